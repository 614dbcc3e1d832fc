import { sql, type Kysely, type Transaction } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';

type Db = Kysely<IdentityDatabase> | Transaction<IdentityDatabase>;

/**
 * Serialises logIn attempts on one e-mail address and on one client address until the
 * transaction ends, so that parallel requests cannot all pass the throttle before any of them
 * is counted. Always e-mail first, then address: no two transactions wait on each other in a
 * cycle.
 */
export async function lockLoginKeys(db: Transaction<IdentityDatabase>, email: string, clientAddress: string | null): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`identity.login.email:${email}`}, 0))`.execute(db);
  if (clientAddress !== null) {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`identity.login.address:${clientAddress}`}, 0))`.execute(db);
  }
}

/**
 * Until when logIns are refused for this key, or null when they are not. Failures (including
 * attempts still being checked) are counted in a sliding window; once the latest failure
 * brings the count within the window to `maxFailures`, the key is locked for `windowSeconds`
 * after it. Refused attempts are not recorded, so they do not extend the lock. For an
 * e-mail address only failures since its last successful logIn count.
 */
export async function findLoginLockout(
  db: Db,
  key: { email: string } | { clientAddress: string },
  limits: { maxFailures: number; windowSeconds: number },
): Promise<Date | null> {
  const window = sql`make_interval(secs => ${limits.windowSeconds})`;
  const matches = 'email' in key ? sql`a.email = ${key.email}` : sql`a.client_address = ${key.clientAddress}`;
  const sinceSuccess =
    'email' in key
      ? sql`AND a.attempted_at > coalesce((SELECT max(s.attempted_at) FROM identity.login_attempts s WHERE s.email = ${key.email} AND s.success), '-infinity')`
      : sql``;
  const { rows } = await sql<{ locked_until: Date | null }>`
    WITH failures AS (
      SELECT a.attempted_at FROM identity.login_attempts a
      WHERE ${matches} AND a.success IS NOT TRUE AND a.attempted_at > now() - 2 * ${window} ${sinceSuccess}
    ), latest AS (SELECT max(attempted_at) AS at FROM failures)
    SELECT latest.at + ${window} AS locked_until
    FROM latest
    WHERE latest.at + ${window} > now()
      AND (SELECT count(*) FROM failures f WHERE f.attempted_at > latest.at - ${window}) >= ${limits.maxFailures}`.execute(db);
  return rows[0]?.locked_until ?? null;
}

/** Records an attempt whose password is about to be checked; its id. */
export async function insertLoginAttempt(db: Db, attempt: { email: string; clientAddress: string | null }): Promise<number> {
  const row = await db
    .insertInto('identity.login_attempts')
    .values({ email: attempt.email, client_address: attempt.clientAddress, success: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records how an attempt ended. */
export async function finishLoginAttempt(db: Db, id: number, success: boolean): Promise<void> {
  await db.updateTable('identity.login_attempts').set({ success }).where('id', '=', id).execute();
}
