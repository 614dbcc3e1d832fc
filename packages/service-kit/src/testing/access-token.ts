// Only jose is imported: the benchmarks' plain servers read this module too, without the
// service kit's index (Apollo Server, graphql).
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** The issuer and audience identity puts in access tokens, and the gateway expects, by default. */
export const ACCESS_TOKEN_ISSUER = 'academy-supergraph';
export const ACCESS_TOKEN_AUDIENCE = 'academy-api';

/** Whom a test access token names, and how it is signed. */
export interface TestAccessToken {
  userId: string;
  roles: readonly string[];
  /** An Ed25519 private key, as identity signs with. */
  privateKey: KeyObject;
  /** The `kid` of the header: the key's id in identity's JWKS. None by default. */
  keyId?: string;
  /** When it expires: seconds since the epoch, or a lifetime such as `'2h'`. Default one hour. */
  expiresAt?: number | string;
}

/** An access token as identity issues them (EdDSA, default issuer and audience), for tests and benchmarks. */
export function mintTestAccessToken(token: TestAccessToken): Promise<string> {
  return new SignJWT({ roles: [...token.roles] })
    .setProtectedHeader({ alg: 'EdDSA', ...(token.keyId === undefined ? {} : { kid: token.keyId }), typ: 'JWT' })
    .setSubject(token.userId)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(token.expiresAt ?? '1h')
    .sign(token.privateKey);
}
