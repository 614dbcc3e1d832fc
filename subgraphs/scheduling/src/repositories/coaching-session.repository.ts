import { sql, type Insertable, type Kysely } from 'kysely';
import type { CoachingSession, SchedulingDatabase } from '../db/database.js';
import type { SchedulingCoachingSessions } from '../generated/tables.js';

/** The PostgreSQL constraints that keep a coach's, or a learner's, sessions from overlapping. */
export const COACH_OVERLAP_CONSTRAINT = 'coaching_sessions_trainer_overlap';
export const LEARNER_OVERLAP_CONSTRAINT = 'coaching_sessions_learner_overlap';

/** Books a session; an overlap with another of the coach's or learner's raises 23P01 on one of the constraints above. */
export async function insertCoachingSession(trx: Kysely<SchedulingDatabase>, row: Insertable<SchedulingCoachingSessions>): Promise<CoachingSession> {
  return trx.insertInto('scheduling.coaching_sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findCoachingSessionsByIds(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<CoachingSession[]> {
  return db.selectFrom('scheduling.coaching_sessions').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** The session, locked until the transaction ends. */
export async function lockCoachingSession(trx: Kysely<SchedulingDatabase>, id: string): Promise<CoachingSession | undefined> {
  return trx.selectFrom('scheduling.coaching_sessions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Cancels the session (its time is free again for the exclusion constraints). */
export async function markCoachingSessionCancelled(trx: Kysely<SchedulingDatabase>, id: string, by: string): Promise<CoachingSession> {
  return trx
    .updateTable('scheduling.coaching_sessions')
    .set({ status: 'CANCELLED', cancelled_at: sql<Date>`now()`, cancelled_by: by })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Records that the learner did not turn up, by `by`, now. */
export async function markCoachingSessionNoShow(trx: Kysely<SchedulingDatabase>, id: string, by: string): Promise<CoachingSession> {
  return trx
    .updateTable('scheduling.coaching_sessions')
    .set({ status: 'NO_SHOW', no_show_at: sql<Date>`now()`, no_show_by: by })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Whether the trainer has a booked coaching session, not yet over, overlapping [from, to). */
export async function hasBookedCoachingBetween(db: Kysely<SchedulingDatabase>, trainerId: string, from: Date, to: Date): Promise<boolean> {
  const row = await db
    .selectFrom('scheduling.coaching_sessions')
    .select('id')
    .where('trainer_id', '=', trainerId)
    .where('status', '=', 'BOOKED')
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .where('ends_at', '>', sql<Date>`now()`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** What a user's sessions are listed by: upcoming only or all, and how many at most. */
export interface UserSessionsQuery {
  upcomingOnly: boolean;
  limit: number;
}

/**
 * The coaching sessions of each user, as learner or as coach, in one statement for any number
 * of users: upcoming ones (not ended, not cancelled) soonest first, or all newest first.
 */
export async function findCoachingSessionsOfUsers(
  db: Kysely<SchedulingDatabase>,
  userIds: readonly string[],
  query: UserSessionsQuery,
): Promise<(CoachingSession & { owner_id: string })[]> {
  const filter = query.upcomingOnly ? sql`AND c.ends_at > now() AND c.status <> 'CANCELLED'` : sql``;
  const order = query.upcomingOnly ? sql`c.starts_at, c.id` : sql`c.starts_at DESC, c.id`;
  const { rows } = await sql<CoachingSession & { owner_id: string }>`
    SELECT k.id AS owner_id, c.*
    FROM unnest(${userIds}::uuid[]) AS k(id)
    CROSS JOIN LATERAL (
      SELECT c.* FROM scheduling.coaching_sessions c
      WHERE (c.learner_id = k.id OR c.trainer_id IN (SELECT t.id FROM scheduling.trainers t WHERE t.user_id = k.id)) ${filter}
      ORDER BY ${order}
      LIMIT ${query.limit}
    ) c
    ORDER BY k.id`.execute(db);
  return rows;
}
