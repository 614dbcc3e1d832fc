import type { Role } from '@academy/service-kit';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';

type Db = Kysely<IdentityDatabase> | Transaction<IdentityDatabase>;

/** Stores an invite code (by hash); its id. */
export async function insertInviteCode(
  db: Db,
  invite: { codeHash: Buffer; role: Role; usageLimit: number; expiresAt: Date | null; createdBy: string | null },
): Promise<string> {
  const row = await db
    .insertInto('identity.invite_codes')
    .values({
      code_hash: invite.codeHash,
      role: invite.role,
      usage_limit: invite.usageLimit,
      expires_at: invite.expiresAt,
      created_by: invite.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Counts one use of the code with this hash if it is unexpired and not used up, in one
 * statement (so concurrent sign-ups cannot overrun the limit); its id and role, or undefined.
 */
export async function useInviteCode(db: Db, codeHash: Buffer): Promise<{ id: string; role: Role } | undefined> {
  return db
    .updateTable('identity.invite_codes')
    .set((eb) => ({ usage_count: eb('usage_count', '+', 1) }))
    .where('code_hash', '=', codeHash)
    .where((eb) => eb('usage_count', '<', eb.ref('usage_limit')))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .returning(['id', 'role'])
    .executeTakeFirst();
}

/** Whether the code with this hash is unexpired and not used up (a read: `useInviteCode` counts the use). */
export async function isInviteCodeUsable(db: Db, codeHash: Buffer): Promise<boolean> {
  const row = await db
    .selectFrom('identity.invite_codes')
    .select('id')
    .where('code_hash', '=', codeHash)
    .where((eb) => eb('usage_count', '<', eb.ref('usage_limit')))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  return row !== undefined;
}
