import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Role } from '@academy/service-kit';
import { ACCESS_TOKEN_ALGORITHM, type SigningKey } from './signing-keys.js';

/** Who issues access tokens, for whom, and for how long. */
export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** A signed access token and when it expires. */
export interface AccessToken {
  token: string;
  expiresAt: Date;
}

/** What a partner client's token may reach (its `grants` claim). */
export interface PartnerGrantsClaim {
  roomIds: string[];
  roomKinds: string[];
  maxSubscriptions: number;
}

/**
 * Signs an access token for `userId`: a JWT (EdDSA, with the key's kid) carrying iss, aud,
 * sub, the user's roles, iat, exp and a unique jti; a partner client's also its `grants`.
 * The gateway verifies it against the JWKS and passes the roles on to every subgraph.
 */
export async function signAccessToken(
  key: SigningKey,
  subject: { userId: string; roles: readonly Role[]; grants?: PartnerGrantsClaim },
  settings: AccessTokenSettings,
): Promise<AccessToken> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + settings.ttlSeconds;
  const claims = subject.grants ? { roles: [...subject.roles], grants: subject.grants } : { roles: [...subject.roles] };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(subject.userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { token, expiresAt: new Date(expiresAt * 1000) };
}
