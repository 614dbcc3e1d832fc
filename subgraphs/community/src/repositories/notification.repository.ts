import { sql, type Kysely, type Transaction } from 'kysely';
import type { CommunityDatabase, NewNotification, Notification } from '../db/database.js';

type Db = Kysely<CommunityDatabase> | Transaction<CommunityDatabase>;

/** Position of a notification in a user's list (newest first): its time as PostgreSQL prints it, and its id. */
export type NotificationCursor = [string, string];

/** A page of notifications as read: rows, the exact total and whether newer ones precede it. */
export interface NotificationPage {
  /** Up to limit + 1 rows: the extra one only tells that a next page exists. */
  rows: (Notification & { cursor_key: string })[];
  totalCount: number;
  hasPreviousPage: boolean;
}

/** Stores notifications (pass the transaction of the change they tell about). */
export async function insertNotifications(db: Db, notifications: readonly NewNotification[]): Promise<Notification[]> {
  if (notifications.length === 0) return [];
  return db.insertInto('community.notifications').values([...notifications]).returningAll().execute();
}

/**
 * Stores notifications caused by domain events: each carries a dedupe key, and one whose user
 * has a notification with that key already is skipped. Returns those stored now.
 */
export async function insertNotificationsOnce(db: Db, notifications: readonly (NewNotification & { dedupe_key: string })[]): Promise<Notification[]> {
  if (notifications.length === 0) return [];
  return db
    .insertInto('community.notifications')
    .values([...notifications])
    .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .returningAll()
    .execute();
}

export async function findNotificationsByIds(db: Db, ids: readonly string[]): Promise<Notification[]> {
  return db.selectFrom('community.notifications').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** One page of a user's notifications, newest first, with the exact total and whether newer ones precede it, in one statement. */
export async function findNotificationPage(
  db: Db,
  query: { userId: string; unreadOnly: boolean; limit: number; after: NotificationCursor | null },
): Promise<NotificationPage> {
  const { userId, unreadOnly, limit, after } = query;
  const unread = unreadOnly ? sql`AND n.read_at IS NULL` : sql``;
  const cursor = after ? sql`(${after[0]}::timestamptz, ${after[1]}::uuid)` : null;
  const { rows } = await sql<Notification & { cursor_key: string; total_count: number; has_previous: boolean }>`
    WITH mine AS (
      SELECT n.* FROM community.notifications n WHERE n.user_id = ${userId} AND n.in_app ${unread}
    )
    SELECT (SELECT count(*) FROM mine)::int AS total_count,
      ${cursor ? sql`EXISTS (SELECT 1 FROM mine f WHERE (f.created_at, f.id) >= ${cursor})` : sql`false`} AS has_previous,
      page.*
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT f.*, f.created_at::text AS cursor_key FROM mine f
      WHERE ${cursor ? sql`(f.created_at, f.id) < ${cursor}` : sql`true`}
      ORDER BY f.created_at DESC, f.id DESC
      LIMIT ${limit + 1}
    ) page ON true
    ORDER BY page.created_at DESC, page.id DESC`.execute(db);
  const first = rows[0];
  return {
    rows: rows.filter((r) => r.id !== null).map(({ total_count: _t, has_previous: _h, ...row }) => row),
    totalCount: first?.total_count ?? 0,
    hasPreviousPage: first?.has_previous ?? false,
  };
}

/** Unread notifications per user (users without any are left out). */
export async function countUnreadNotifications(db: Db, userIds: readonly string[]): Promise<{ user_id: string; unread: number }[]> {
  return db
    .selectFrom('community.notifications')
    .select(['user_id', sql<number>`count(*)::int`.as('unread')])
    .where('user_id', '=', sql<string>`ANY(${userIds}::uuid[])`)
    .where('read_at', 'is', null)
    .where('in_app', '=', true)
    .groupBy('user_id')
    .execute();
}

/** Marks the user's own unread notifications among `ids` read; returns how many changed. */
export async function markNotificationsRead(db: Db, userId: string, ids: readonly string[]): Promise<number> {
  const result = await db
    .updateTable('community.notifications')
    .set({ read_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('id', '=', sql<string>`ANY(${ids}::uuid[])`)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A user's newest notifications created at or after `since`, oldest first. */
export async function findNotificationsSince(db: Db, userId: string, since: Date, limit: number): Promise<Notification[]> {
  const rows = await db
    .selectFrom('community.notifications')
    .selectAll()
    .where('user_id', '=', userId)
    .where('in_app', '=', true)
    .where('created_at', '>=', since)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}
