import { createHash, randomBytes } from 'node:crypto';

/** A new secret for refresh tokens, reset links and invite codes: 256 random bits, base64url. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The SHA-256 of a secret, as stored: the secrets carry 256 bits of randomness, so a fast hash
 * suffices, and a copy of the database holds nothing that can be presented.
 */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
