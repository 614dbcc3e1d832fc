// Access tokens for the HTTP benchmark: minted by the harness with the key identity publishes,
// and verified by the servers that stand beside our gateway (Hive Gateway's plugin and the
// floor) as gateway/src/access-token.ts verifies them: EdDSA only, against identity's JWKS,
// with issuer, audience, expiry, issue time, subject and known roles required, each token's
// signature checked once and the result kept until it expires.
//
// Only jose is imported here: the gateway's own module pulls in service-kit (Apollo Server,
// graphql), which would weigh on the memory of the servers compared with it.
import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, mintTestAccessToken } from '../../packages/service-kit/src/testing/access-token.js';

/** As packages/service-kit/src/auth.ts ROLES. */
export const ROLES = ['LEARNER', 'TRAINER', 'CONTENT_AUTHOR', 'ORGANIZER', 'ANALYST', 'PARTNER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface Viewer {
  userId: string;
  roles: Role[];
}

/** A missing, malformed, forged or expired token; the message is the one the gateway sends. */
export class AccessTokenError extends Error {}

/**
 * Verifies access tokens against identity's published keys, fetched once and cached as the
 * gateway does; and, as the gateway does, remembers each verified token (by its exact text,
 * 10,000 at most) until it expires rather than checking its signature on every request.
 */
export function createAccessTokenVerifier(jwksUrl: string, maxCached = 10_000): (token: string) => Promise<Viewer> {
  const keys = createRemoteJWKSet(new URL(jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 });
  const verified = new Map<string, { viewer: Viewer; expiresAt: number }>();

  async function verifySignature(token: string): Promise<{ viewer: Viewer; expiresAt: number }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['EdDSA'],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
        typ: 'JWT',
      }));
    } catch {
      throw new AccessTokenError('The access token is not valid.');
    }
    const roles = payload.roles;
    if (!payload.sub || !Array.isArray(roles) || !roles.every((r): r is Role => (ROLES as readonly unknown[]).includes(r))) {
      throw new AccessTokenError('The access token is not valid.');
    }
    return { viewer: { userId: payload.sub, roles }, expiresAt: payload.exp! * 1000 };
  }

  return async (token) => {
    const known = verified.get(token);
    if (known) {
      if (known.expiresAt > Date.now()) return known.viewer;
      verified.delete(token);
    }
    const access = await verifySignature(token);
    if (verified.size >= maxCached) verified.delete(verified.keys().next().value!);
    verified.set(token, access);
    return access.viewer;
  };
}

/** The token of an `Authorization: Bearer …` header; undefined without one. */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (header === undefined || header === null || header === '') return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header.trim());
  if (!match) throw new AccessTokenError('The Authorization header must be "Bearer <access token>".');
  return match[1];
}

/** An access token as identity would issue it to `viewer`, signed with the key identity was given. */
export function mintAccessToken(viewer: Viewer, key: { privateKey: KeyObject; keyId: string }, lifetime = '6h'): Promise<string> {
  return mintTestAccessToken({ userId: viewer.userId, roles: viewer.roles, privateKey: key.privateKey, keyId: key.keyId, expiresAt: lifetime });
}
