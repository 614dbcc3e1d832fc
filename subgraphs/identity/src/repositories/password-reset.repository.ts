import { sql, type Kysely, type Transaction } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';

type Db = Kysely<IdentityDatabase> | Transaction<IdentityDatabase>;

/** A reset token as resetPassword reads it, with `usable` judged by the database clock. */
export interface PasswordResetState {
  id: string;
  user_id: string;
  email: string;
  usable: boolean;
}

/** Stores a reset token (by hash) valid for `ttlMinutes`. */
export async function insertPasswordReset(db: Db, reset: { userId: string; tokenHash: Buffer; ttlMinutes: number }): Promise<void> {
  await db
    .insertInto('identity.password_resets')
    .values({ user_id: reset.userId, token_hash: reset.tokenHash, expires_at: sql<Date>`now() + make_interval(mins => ${reset.ttlMinutes})` })
    .execute();
}

/** How many resets a user requested within the last `minutes`. */
export async function countRecentPasswordResets(db: Db, userId: string, minutes: number): Promise<number> {
  const row = await db
    .selectFrom('identity.password_resets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('created_at', '>', sql<Date>`now() - make_interval(mins => ${minutes})`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The reset with this token hash and its user's address; with `lock`, its row is locked until the transaction ends. */
export async function findPasswordReset(db: Db, tokenHash: Buffer, options: { lock?: boolean } = {}): Promise<PasswordResetState | undefined> {
  let query = db
    .selectFrom('identity.password_resets as r')
    .innerJoin('identity.users as u', 'u.id', 'r.user_id')
    .select(['r.id', 'r.user_id', 'u.email', sql<boolean>`r.used_at IS NULL AND r.expires_at > now()`.as('usable')])
    .where('r.token_hash', '=', tokenHash);
  if (options.lock) query = query.forUpdate('r');
  return query.executeTakeFirst();
}

/** Marks every open reset of a user used: once the password is changed, no other link works. */
export async function markPasswordResetsUsed(db: Db, userId: string): Promise<void> {
  await db.updateTable('identity.password_resets').set({ used_at: sql<Date>`now()` }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}
