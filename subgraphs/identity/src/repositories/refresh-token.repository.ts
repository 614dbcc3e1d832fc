import { sql, type Kysely, type Transaction } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';

type Db = Kysely<IdentityDatabase> | Transaction<IdentityDatabase>;

/** A refresh token as rotation reads it, with `expired` judged by the database clock. */
export interface RefreshTokenState {
  id: string;
  user_id: string;
  family_id: string;
  used_at: Date | null;
  revoked_at: Date | null;
  expired: boolean;
}

/** Stores a new refresh token (by hash); its id. */
export async function insertRefreshToken(
  db: Db,
  token: { userId: string; familyId: string; tokenHash: Buffer; ttlDays: number },
): Promise<string> {
  const row = await db
    .insertInto('identity.refresh_tokens')
    .values({
      user_id: token.userId,
      family_id: token.familyId,
      token_hash: token.tokenHash,
      expires_at: sql<Date>`now() + make_interval(days => ${token.ttlDays})`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The token with this hash, its row locked until the transaction ends: of two concurrent
 * refreshes of one token, the second waits and then sees it used.
 */
export async function lockRefreshToken(db: Transaction<IdentityDatabase>, tokenHash: Buffer): Promise<RefreshTokenState | undefined> {
  return db
    .selectFrom('identity.refresh_tokens')
    .select(['id', 'user_id', 'family_id', 'used_at', 'revoked_at', sql<boolean>`expires_at <= now()`.as('expired')])
    .where('token_hash', '=', tokenHash)
    .forUpdate()
    .executeTakeFirst();
}

/** Marks a token used, pointing at the one that replaced it. */
export async function markRefreshTokenUsed(db: Db, id: string, replacedBy: string): Promise<void> {
  await db.updateTable('identity.refresh_tokens').set({ used_at: sql<Date>`now()`, replaced_by: replacedBy }).where('id', '=', id).execute();
}

/** Revokes every token of a family not revoked yet; how many. */
export async function revokeRefreshTokenFamily(db: Db, familyId: string): Promise<number> {
  const result = await db
    .updateTable('identity.refresh_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every token of a user not revoked yet (all their sessions); how many. */
export async function revokeUserRefreshTokens(db: Db, userId: string): Promise<number> {
  const result = await db
    .updateTable('identity.refresh_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
