import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

// The enum is declared `const` in the package's types, which isolated modules cannot read.
const ARGON2ID: Algorithm = 2;

/** argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), as the demo accounts are hashed. */
export const PASSWORD_HASH_OPTIONS: Options = Object.freeze({ algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 });

let hashesComputed = 0;

/**
 * Argon2 hashes of new passwords this process has computed: each takes a core for tens of
 * milliseconds, so requests that are refused anyway must not cost one.
 */
export const passwordHashesComputed = () => hashesComputed;

/** An argon2id hash (PHC string) of `password`. */
export function hashPassword(password: string): Promise<string> {
  hashesComputed += 1;
  return hash(password, PASSWORD_HASH_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Whether `password` matches `passwordHash`. Without a hash (no such user, or no password
 * set) it verifies against a hash of a random password made once per process, so that a
 * wrong address takes as long as a wrong password and the timing reveals nothing.
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a failed check, not a server error that would tell it apart.
    return false;
  }
}
