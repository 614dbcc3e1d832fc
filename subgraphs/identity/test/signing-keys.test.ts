import { afterAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '@academy/service-kit/testing';
import { createLocalJWKSet, decodeProtectedHeader, importSPKI, jwtVerify, type JSONWebKeySet } from 'jose';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { identitySettings } from '../src/config.js';
import { buildIdentitySubgraph } from '../src/server.js';
import { signUp, startIdentity, uniqueEmail, type TestIdentity } from './support/identity.js';

const started: TestIdentity[] = [];
afterAll(async () => {
  for (const identity of started) await identity.stop();
});

async function start(env: Record<string, string> = {}): Promise<TestIdentity> {
  const identity = await startIdentity(env);
  started.push(identity);
  return identity;
}

async function jwksOf(identity: TestIdentity): Promise<{ response: Response; jwks: JSONWebKeySet }> {
  const response = await fetch(new URL('/.well-known/jwks.json', identity.subgraph.url));
  return { response, jwks: (await response.json()) as JSONWebKeySet };
}

const verifyWith = (jwks: JSONWebKeySet, token: string) =>
  jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['EdDSA'], issuer: 'academy-supergraph', audience: 'academy-api' });

describe('signing keys and the JWKS', () => {
  it('serves the public keys at /.well-known/jwks.json, cacheable for 5 minutes, without gateway credentials', async () => {
    const identity = await start();
    const { response, jwks } = await jwksOf(identity);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' }]);
    const post = await fetch(new URL('/.well-known/jwks.json', identity.subgraph.url), { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('signs with JWT_PRIVATE_KEY (and JWT_KEY_ID, issuer and audience) from the configuration when set', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // As an environment file would carry it: on one line with literal \n.
    const identity = await start({
      JWT_PRIVATE_KEY: pem.replaceAll('\n', '\\n'),
      JWT_KEY_ID: 'configured-2026',
      JWT_ISSUER: 'https://id.academy.test',
      JWT_AUDIENCE: 'academy-mobile',
    });
    const session = await signUp(identity, { email: uniqueEmail('configured') });
    expect(decodeProtectedHeader(session.accessToken)).toEqual({ alg: 'EdDSA', kid: 'configured-2026', typ: 'JWT' });
    const spki = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'EdDSA');
    const { payload } = await jwtVerify(session.accessToken, spki, { issuer: 'https://id.academy.test', audience: 'academy-mobile' });
    expect(payload.sub).toBe(session.user.id);
    const { jwks } = await jwksOf(identity);
    expect(jwks.keys.map((k) => k.kid)).toEqual(['configured-2026']);
    expect(jwks.keys[0]!.x).toBe(publicKey.export({ format: 'jwk' }).x);
    // Nothing generated, nothing stored: the configured key never reaches the database.
    expect(await identity.sql('SELECT kid FROM identity.signing_keys')).toEqual([]);
  });

  it('keeps publishing a retired key after a rotation, so tokens signed before it still verify', async () => {
    const identity = await start();
    const before = await signUp(identity, { email: uniqueEmail('before') });
    const oldKid = decodeProtectedHeader(before.accessToken).kid;
    const rotated = await identity.subgraph.service.keys.rotate();
    expect(rotated.kid).not.toBe(oldKid);
    const after = await signUp(identity, { email: uniqueEmail('after') });
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(rotated.kid);
    const { jwks } = await jwksOf(identity);
    expect(jwks.keys.map((k) => k.kid)).toEqual([rotated.kid, oldKid]);
    await verifyWith(jwks, before.accessToken);
    await verifyWith(jwks, after.accessToken);
    // Long after its retirement, a key is no longer published.
    await identity.sql(`UPDATE identity.signing_keys SET retired_at = now() - interval '2 days' WHERE kid = $1`, [oldKid]);
    expect((await jwksOf(identity)).jwks.keys.map((k) => k.kid)).toEqual([rotated.kid]);
    expect(JSON.stringify((await jwksOf(identity)).jwks)).not.toMatch(/"d"/);
  });

  it('creates exactly one key when several identity processes start at once on an empty database', async () => {
    const database = await createTestDatabase();
    const gatewaySecret = randomBytes(32).toString('base64url');
    const services = Array.from({ length: 4 }, () =>
      buildIdentitySubgraph({
        databaseUrl: database.urlFor('academy_identity'),
        gatewaySecret,
        poolSize: 2,
        logLevel: 'error',
        identity: identitySettings({ MAIL_POLL_INTERVAL_MS: '60000' }),
      }),
    );
    const running = await Promise.all(services.map((s) => s.start(0, '127.0.0.1')));
    try {
      const kids = await Promise.all(services.map(async (s) => (await s.keys.current()).kid));
      expect(new Set(kids).size).toBe(1);
      const admin = new pg.Client({ connectionString: database.adminUrl });
      await admin.connect();
      const { rows } = await admin.query('SELECT kid, retired_at FROM identity.signing_keys');
      await admin.end();
      expect(rows).toEqual([{ kid: kids[0], retired_at: null }]);
    } finally {
      for (const [i, r] of running.entries()) {
        await r.stop();
        await services[i]!.database.close();
      }
      await database.drop();
    }
  });
});
