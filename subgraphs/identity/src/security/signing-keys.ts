// The keys access tokens are signed with: one from configuration, or one identity generates and
// keeps in identity.signing_keys. Their public halves are served as a JWKS for the gateway.
import { calculateJwkThumbprint, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';
import {
  findCurrentSigningKey,
  findPublishedSigningKeys,
  insertSigningKeyUnlessCurrent,
  replaceCurrentSigningKey,
  retireCurrentSigningKey,
  type NewSigningKey,
  type StoredSigningKey,
} from '../repositories/signing-key.repository.js';

/** The JWS algorithm of access tokens: EdDSA over Ed25519. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

/**
 * How long a retired key stays published: far longer than an access token lives, so every
 * token signed before a rotation still verifies until it expires.
 */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 3600 * 1000;

/** How often a process re-reads the current key, to follow rotations made by another process. */
const CURRENT_KEY_TTL_MS = 60_000;

/** A key ready to sign with. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public half as published in the JWKS. */
  publicJwk: JWK;
}

/** The public half of an Ed25519 private key (PKCS#8 PEM) as a JWK with its kid. */
async function publicJwkOf(pem: string, kid?: string): Promise<JWK & { kid: string }> {
  const { kty, crv, x } = createPublicKey(createPrivateKey(pem)).export({ format: 'jwk' });
  const jwk = { kty, crv, x } as JWK;
  return { ...jwk, kid: kid ?? (await calculateJwkThumbprint(jwk)), alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}

/** A new Ed25519 key pair, as stored. */
export async function generateSigningKey(): Promise<NewSigningKey> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const jwk = await publicJwkOf(pem);
  return { kid: jwk.kid, public_jwk: jwk as Record<string, unknown>, private_key: pem };
}

async function toSigningKey(stored: StoredSigningKey): Promise<SigningKey> {
  return { kid: stored.kid, privateKey: await importPKCS8(stored.private_key, ACCESS_TOKEN_ALGORITHM), publicJwk: stored.public_jwk as JWK };
}

/** Where the key store gets its keys. */
export interface SigningKeyOptions {
  /** JWT_PRIVATE_KEY: when set, the only signing key; nothing is generated. */
  configuredPem?: string | undefined;
  /** JWT_KEY_ID; default the key's JWK thumbprint. */
  configuredKid?: string | undefined;
}

/** The current signing key and the published public keys, cached briefly per process. */
export class SigningKeyStore {
  #configured: Promise<SigningKey> | undefined;
  #current: { key: Promise<SigningKey>; loadedAt: number } | undefined;

  constructor(
    private readonly db: Kysely<IdentityDatabase>,
    private readonly options: SigningKeyOptions = {},
  ) {}

  /** Whether the key comes from configuration rather than the database. */
  get configured(): boolean {
    return this.options.configuredPem !== undefined;
  }

  /**
   * Makes sure a signing key exists before the process serves requests. With a configured key,
   * generated ones are retired: they stay published for a while, for the tokens they signed.
   */
  async prepare(): Promise<SigningKey> {
    if (this.configured) await retireCurrentSigningKey(this.db);
    return this.current();
  }

  /** The key to sign with now. */
  async current(): Promise<SigningKey> {
    const pem = this.options.configuredPem;
    if (pem !== undefined) {
      this.#configured ??= (async () => {
        const publicJwk = await publicJwkOf(pem, this.options.configuredKid);
        return { kid: publicJwk.kid, privateKey: await importPKCS8(pem, ACCESS_TOKEN_ALGORITHM), publicJwk };
      })();
      return this.#configured;
    }
    if (!this.#current || Date.now() - this.#current.loadedAt > CURRENT_KEY_TTL_MS) {
      const key = this.#loadOrCreate();
      this.#current = { key, loadedAt: Date.now() };
      key.catch(() => {
        if (this.#current?.key === key) this.#current = undefined;
      });
    }
    return this.#current.key;
  }

  async #loadOrCreate(): Promise<SigningKey> {
    const stored = (await findCurrentSigningKey(this.db)) ?? (await insertSigningKeyUnlessCurrent(this.db, await generateSigningKey()));
    return toSigningKey(stored);
  }

  /** Every public key a token signed by this service may name: the current one and recently retired ones. */
  async publishedKeys(): Promise<JWK[]> {
    const stored = (await findPublishedSigningKeys(this.db, new Date(Date.now() - RETIRED_KEY_PUBLISHED_MS))) as JWK[];
    if (!this.configured) return stored;
    const configured = await this.current();
    return [configured.publicJwk, ...stored.filter((k) => k.kid !== configured.kid)];
  }

  /**
   * Starts signing with a new generated key; the old one stays published. Other processes
   * follow within a minute. Not available with a configured key (change the configuration).
   */
  async rotate(): Promise<SigningKey> {
    if (this.configured) throw new Error('the signing key comes from JWT_PRIVATE_KEY: rotate it there');
    await replaceCurrentSigningKey(this.db, await generateSigningKey());
    this.#current = undefined;
    return this.current();
  }
}
