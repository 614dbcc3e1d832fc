import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { DomainError, ErrorCode, parsePartnerGrants, ROLES, type Role, type Viewer } from '@academy/service-kit';

/** Verifies the access tokens identity issues: EdDSA only, with the issuer, audience and expiry required. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedAccess>;
}

/** Who a valid access token names, and until when it is valid. */
export interface VerifiedAccess {
  viewer: Viewer;
  expiresAt: Date;
}

export interface AccessTokenOptions {
  /** Where identity publishes its public keys. */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Overrides the key source (tests). */
  keys?: JWTVerifyGetKey;
  /** How many verified tokens are remembered (default 10,000). */
  maxCached?: number;
}

const unauthenticated = (message: string) =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message, { http: { status: 401 } });

export function createAccessTokenVerifier(options: AccessTokenOptions): AccessTokenVerifier {
  // Keys are fetched on first use, cached, and fetched again when a token names an unknown kid
  // (at most every 30 s), so a key rotation at identity needs no gateway restart.
  const keys = options.keys ?? createRemoteJWKSet(new URL(options.jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 });
  // A client sends the same token with every request for its 15 minutes: the signature is
  // checked once, and the result reused (by a digest of the exact token text) until the token
  // expires. The digest, not the token, is the key: a token is a slice of its header's text,
  // and keeping it would keep the whole header of every connection alive.
  const verified = new Map<string, VerifiedAccess>();
  const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');
  const maxCached = options.maxCached ?? 10_000;
  return {
    async verify(token) {
      const key = keyOf(token);
      const known = verified.get(key);
      if (known) {
        if (known.expiresAt.getTime() > Date.now()) return known;
        verified.delete(key);
      }
      const access = await verifySignature(token);
      if (verified.size >= maxCached) verified.delete(verified.keys().next().value!);
      verified.set(key, access);
      return access;
    },
  };

  async function verifySignature(token: string): Promise<VerifiedAccess> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['EdDSA'],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
        typ: 'JWT',
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated('The access token has expired: refresh the session.');
      if (error instanceof errors.JOSEError) throw unauthenticated('The access token is not valid.');
      throw error;
    }
    const roles = payload.roles;
    if (!payload.sub || !Array.isArray(roles) || !roles.every((r): r is Role => (ROLES as readonly unknown[]).includes(r))) {
      throw unauthenticated('The access token is not valid.');
    }
    const expiresAt = new Date(payload.exp! * 1000);
    if (payload.grants === undefined) return { viewer: { userId: payload.sub, roles }, expiresAt };
    // A partner client's token: held to its grants, which only identity's token endpoint writes.
    const grants = parsePartnerGrants(payload.grants);
    if (!grants || roles.length !== 1 || roles[0] !== 'PARTNER') throw unauthenticated('The access token is not valid.');
    return { viewer: { userId: payload.sub, roles, grants }, expiresAt };
  }
}

/** The token of an `Authorization: Bearer …` header; undefined without one; UNAUTHENTICATED when malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header.trim());
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <access token>".');
  return match[1];
}
