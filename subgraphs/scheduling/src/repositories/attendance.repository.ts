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

/** A bucket size that date_trunc and interval both understand. */
export type BucketUnit = 'day' | 'week' | 'month';

/** One bucket of attendance figures. */
export interface AttendanceBucket {
  bucket: Date;
  sessions: number;
  registrations: number;
  attended: number;
  no_shows: number;
}

/**
 * Attendance per UTC bucket of the sessions' start over [from, to), every bucket present (empty
 * ones 0), oldest first; cancelled sessions left out. One statement: generate_series makes the
 * buckets, the sessions and their seated registrations are counted into them.
 */
export async function countAttendancePerBucket(
  db: Kysely<SchedulingDatabase>,
  range: { from: Date; to: Date },
  unit: BucketUnit,
  filter: { venueId: string | null; trainerId: string | null },
): Promise<AttendanceBucket[]> {
  const step = `1 ${unit}`;
  const { rows } = await sql<AttendanceBucket>`
    WITH buckets AS (
      SELECT b AT TIME ZONE 'UTC' AS start, (b + ${step}::interval) AT TIME ZONE 'UTC' AS stop
      FROM generate_series(
        date_trunc(${unit}, ${range.from}::timestamptz AT TIME ZONE 'UTC'),
        date_trunc(${unit}, (${range.to}::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC'),
        ${step}::interval
      ) AS b
    ),
    sessions AS (
      SELECT s.id, s.starts_at,
        (SELECT count(*) FROM scheduling.registrations r WHERE r.session_id = s.id AND r.status IN ('CONFIRMED','ATTENDED','NO_SHOW')) AS registrations,
        (SELECT count(*) FROM scheduling.registrations r WHERE r.session_id = s.id AND r.status = 'ATTENDED') AS attended,
        (SELECT count(*) FROM scheduling.registrations r WHERE r.session_id = s.id AND r.status = 'NO_SHOW') AS no_shows
      FROM scheduling.training_sessions s
      WHERE s.starts_at >= ${range.from}::timestamptz AND s.starts_at < ${range.to}::timestamptz
        AND s.status <> 'CANCELLED'
        AND (${filter.venueId}::uuid IS NULL OR s.venue_id = ${filter.venueId}::uuid)
        AND (${filter.trainerId}::uuid IS NULL OR s.trainer_id = ${filter.trainerId}::uuid)
    )
    SELECT buckets.start AS bucket,
      count(sessions.id)::int AS sessions,
      coalesce(sum(sessions.registrations), 0)::int AS registrations,
      coalesce(sum(sessions.attended), 0)::int AS attended,
      coalesce(sum(sessions.no_shows), 0)::int AS no_shows
    FROM buckets
    LEFT JOIN sessions ON sessions.starts_at >= buckets.start AND sessions.starts_at < buckets.stop
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
