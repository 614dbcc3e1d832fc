import { sql, type Kysely, type Transaction } from 'kysely';
import type { CommunityDatabase, NotificationPreference, QuietHoursRow } from '../db/database.js';

type Db = Kysely<CommunityDatabase> | Transaction<CommunityDatabase>;

/** The users' stored choices (kinds without a row use their defaults). */
export async function findPreferences(db: Db, userIds: readonly string[]): Promise<NotificationPreference[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('community.notification_preferences')
    .selectAll()
    .where('user_id', '=', sql<string>`ANY(${userIds}::uuid[])`)
    .execute();
}

/** Stores a user's choices for the kinds given, replacing earlier ones for those kinds. */
export async function upsertPreferences(
  db: Db,
  userId: string,
  rows: readonly { kind: string; inApp: boolean; email: boolean }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('community.notification_preferences')
    .values(rows.map((r) => ({ user_id: userId, kind: r.kind, in_app: r.inApp, email: r.email })))
    .onConflict((oc) =>
      oc.columns(['user_id', 'kind']).doUpdateSet((eb) => ({
        in_app: eb.ref('excluded.in_app'),
        email: eb.ref('excluded.email'),
        updated_at: sql<Date>`now()`,
      })),
    )
    .execute();
}

/** Turns a kind's e-mails off for a user (an unsubscribe link), keeping the in-app choice (default: `inAppDefault`). */
export async function turnEmailOff(db: Db, userId: string, kind: string, inAppDefault: boolean): Promise<void> {
  await db
    .insertInto('community.notification_preferences')
    .values({ user_id: userId, kind, in_app: inAppDefault, email: false })
    .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ email: false, updated_at: sql<Date>`now()` }))
    .execute();
}

/** The users' quiet hours (users without them are left out). */
export async function findQuietHours(db: Db, userIds: readonly string[]): Promise<QuietHoursRow[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('community.notification_quiet_hours')
    .select(['user_id', 'time_zone', sql<string>`to_char(starts_at, 'HH24:MI')`.as('starts_at'), sql<string>`to_char(ends_at, 'HH24:MI')`.as('ends_at')])
    .where('user_id', '=', sql<string>`ANY(${userIds}::uuid[])`)
    .execute();
}

export async function upsertQuietHours(db: Db, userId: string, hours: { start: string; end: string; timeZone: string }): Promise<void> {
  await db
    .insertInto('community.notification_quiet_hours')
    .values({ user_id: userId, starts_at: hours.start, ends_at: hours.end, time_zone: hours.timeZone })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet((eb) => ({
        starts_at: eb.ref('excluded.starts_at'),
        ends_at: eb.ref('excluded.ends_at'),
        time_zone: eb.ref('excluded.time_zone'),
        updated_at: sql<Date>`now()`,
      })),
    )
    .execute();
}

export async function deleteQuietHours(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('community.notification_quiet_hours').where('user_id', '=', userId).execute();
}
