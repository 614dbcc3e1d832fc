import { localBucketOf, localBuckets, type FigureRequest } from '@academy/service-kit';
import { sql, type Kysely } from 'kysely';
import type { AttendanceRecord, AttendanceStatus, SchedulingDatabase } from '../db/database.js';

export async function findAttendanceOfRegistrations(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<AttendanceRecord[]> {
  return db.selectFrom('scheduling.attendance_records').selectAll().where('registration_id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/**
 * Records how a registrant attended: one row per registration, written over on a change. A
 * check-in time, once set, stays (a later LATE keeps the arrival); `checkedIn` sets it now if unset.
 */
export async function upsertAttendance(
  db: Kysely<SchedulingDatabase>,
  record: { registrationId: string; sessionId: string; userId: string; status: AttendanceStatus; checkedIn: boolean; recordedBy: string },
): Promise<AttendanceRecord> {
  const checkedInAt = record.checkedIn ? sql<Date>`now()` : sql<Date | null>`NULL`;
  return db
    .insertInto('scheduling.attendance_records')
    .values({
      registration_id: record.registrationId,
      session_id: record.sessionId,
      user_id: record.userId,
      status: record.status,
      checked_in_at: checkedInAt,
      recorded_by: record.recordedBy,
    })
    .onConflict((oc) =>
      oc.column('registration_id').doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        checked_in_at: sql<Date | null>`coalesce(${eb.ref('scheduling.attendance_records.checked_in_at')}, ${eb.ref('excluded.checked_in_at')})`,
        recorded_by: eb.ref('excluded.recorded_by'),
        recorded_at: sql<Date>`now()`,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One bucket of attendance figures, with the distinct users behind them. */
export interface AttendanceBucket {
  bucket: Date;
  sessions: number;
  registrations: number;
  attended: number;
  no_shows: number;
  /** Distinct users with a seated registration (confirmed, attended, no-show) at the bucket's sessions. */
  registrants: number;
  /** Distinct users who attended one of the bucket's sessions. */
  attendees: number;
}

/**
 * Attendance per bucket of the sessions' start over [from, to), every bucket present (empty
 * ones 0), oldest first, buckets from local midnight in the request's zone; cancelled sessions
 * left out. One statement: the buckets' series, the sessions in range, and their seated
 * registrations counted into the buckets.
 */
export async function countAttendancePerBucket(
  db: Kysely<SchedulingDatabase>,
  request: FigureRequest,
  filter: { venueId: string | null; trainerId: string | null },
): Promise<AttendanceBucket[]> {
  const { range } = request;
  const { rows } = await sql<AttendanceBucket>`
    WITH buckets AS (${localBuckets(request)}),
    sessions AS (
      SELECT s.id, s.starts_at FROM scheduling.training_sessions s
      WHERE s.starts_at >= ${range.from}::timestamptz AND s.starts_at < ${range.to}::timestamptz
        AND s.status <> 'CANCELLED'
        AND (${filter.venueId}::uuid IS NULL OR s.venue_id = ${filter.venueId}::uuid)
        AND (${filter.trainerId}::uuid IS NULL OR s.trainer_id = ${filter.trainerId}::uuid)
    ),
    seats AS (
      SELECT r.session_id, r.user_id, r.status FROM scheduling.registrations r
      JOIN sessions ON sessions.id = r.session_id
      WHERE r.status IN ('CONFIRMED', 'ATTENDED', 'NO_SHOW')
    )
    SELECT buckets.start AS bucket,
      count(DISTINCT sessions.id)::int AS sessions,
      count(seats.user_id)::int AS registrations,
      count(*) FILTER (WHERE seats.status = 'ATTENDED')::int AS attended,
      count(*) FILTER (WHERE seats.status = 'NO_SHOW')::int AS no_shows,
      count(DISTINCT seats.user_id)::int AS registrants,
      count(DISTINCT seats.user_id) FILTER (WHERE seats.status = 'ATTENDED')::int AS attendees
    FROM buckets
    LEFT JOIN sessions ON ${localBucketOf(request, sql.ref('sessions.starts_at'))} = buckets.start
    LEFT JOIN seats ON seats.session_id = sessions.id
    GROUP BY buckets.start
    ORDER BY buckets.start`.execute(db);
  return rows;
}

/** How a user attended a session, if anything was recorded (one registration of theirs holds it). */
export async function findAttendanceOfUserAtSession(db: Kysely<SchedulingDatabase>, sessionId: string, userId: string): Promise<AttendanceRecord | undefined> {
  return db
    .selectFrom('scheduling.attendance_records')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .orderBy('recorded_at', 'desc')
    .executeTakeFirst();
}
