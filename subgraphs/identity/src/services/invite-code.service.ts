import type { Role } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';
import { insertInviteCode } from '../repositories/invite-code.repository.js';
import { hashSecret, newSecretToken } from '../security/secret-token.js';

/**
 * Makes an invite code granting `role` at sign-up, usable `usageLimit` times until
 * `expiresAt`. The code is returned once and stored only as a hash. With `code`, that text
 * becomes the code (e.g. one printed on a flyer).
 */
export async function createInviteCode(
  db: Kysely<IdentityDatabase>,
  options: { role: Role; usageLimit?: number; expiresAt?: Date | null; createdBy?: string | null; code?: string },
): Promise<{ id: string; code: string }> {
  const code = options.code?.trim() || newSecretToken();
  const id = await insertInviteCode(db, {
    codeHash: hashSecret(code),
    role: options.role,
    usageLimit: options.usageLimit ?? 1,
    expiresAt: options.expiresAt ?? null,
    createdBy: options.createdBy ?? null,
  });
  return { id, code };
}
