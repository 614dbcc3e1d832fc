import { sql, type Kysely } from 'kysely';
import type { SchedulingDatabase, Trainer, WorkingHours } from '../db/database.js';

/** A span of local working time to store: ISO weekday (1 = Monday) and HH:MM times. */
export interface NewWorkingHours {
  weekday: number;
  startsAt: string;
  endsAt: string;
}

/** The working hours of each trainer, by weekday then start. */
export async function findWorkingHoursOfTrainers(db: Kysely<SchedulingDatabase>, trainerIds: readonly string[]): Promise<WorkingHours[]> {
  return db
    .selectFrom('scheduling.trainer_working_hours')
    .selectAll()
    .where('trainer_id', '=', sql<string>`ANY(${trainerIds}::uuid[])`)
    .orderBy('trainer_id')
    .orderBy('weekday')
    .orderBy('starts_at')
    .execute();
}

/** Whether PostgreSQL knows `timeZone` (its own tz database converts the hours). */
export async function isKnownTimeZone(db: Kysely<SchedulingDatabase>, timeZone: string): Promise<boolean> {
  const { rows } = await sql<{ known: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = ${timeZone}) AS known`.execute(db);
  return rows[0]?.known ?? false;
}

/** Sets a trainer's time zone and replaces all their working hours; returns the trainer, or undefined when unknown. */
export async function replaceWorkingHours(
  trx: Kysely<SchedulingDatabase>,
  trainerId: string,
  timeZone: string,
  hours: readonly NewWorkingHours[],
): Promise<Trainer | undefined> {
  const trainer = await trx.updateTable('scheduling.trainers').set({ time_zone: timeZone }).where('id', '=', trainerId).returningAll().executeTakeFirst();
  if (!trainer) return undefined;
  await trx.deleteFrom('scheduling.trainer_working_hours').where('trainer_id', '=', trainerId).execute();
  if (hours.length > 0) {
    await trx
      .insertInto('scheduling.trainer_working_hours')
      .values(hours.map((h) => ({ trainer_id: trainerId, weekday: h.weekday, starts_at: h.startsAt, ends_at: h.endsAt })))
      .execute();
  }
  return trainer;
}

/**
 * A trainer's working hours over [from, to) as one multirange of instants: each local span is
 * placed on the local calendar days the range touches and converted with AT TIME ZONE, so a
 * span keeps its wall-clock times across daylight-saving changes.
 */
const workingRanges = (trainerId: string, from: Date, to: Date) => sql`
  SELECT range_agg(tstzrange((d.day::date + h.starts_at) AT TIME ZONE t.time_zone, (d.day::date + h.ends_at) AT TIME ZONE t.time_zone, '[)')) AS m
  FROM scheduling.trainers t
  CROSS JOIN LATERAL generate_series(
    ((${from}::timestamptz AT TIME ZONE t.time_zone)::date - 1)::timestamp,
    (${to}::timestamptz AT TIME ZONE t.time_zone)::date::timestamp,
    interval '1 day') AS d(day)
  JOIN scheduling.trainer_working_hours h ON h.trainer_id = t.id AND h.weekday = extract(isodow FROM d.day)
  WHERE t.id = ${trainerId}`;

/** The trainer's time off, coaching sessions and training sessions (neither cancelled) overlapping [from, to), as one multirange. */
const busyRanges = (trainerId: string, from: Date, to: Date) => sql`
  SELECT range_agg(b.r) AS m FROM (
    SELECT tstzrange(o.starts_at, o.ends_at, '[)') AS r FROM scheduling.trainer_time_off o
    WHERE o.trainer_id = ${trainerId} AND o.starts_at < ${to} AND o.ends_at > ${from}
    UNION ALL
    SELECT tstzrange(c.starts_at, c.ends_at, '[)') FROM scheduling.coaching_sessions c
    WHERE c.trainer_id = ${trainerId} AND c.status <> 'CANCELLED' AND c.starts_at < ${to} AND c.ends_at > ${from}
    UNION ALL
    SELECT tstzrange(s.starts_at, s.ends_at, '[)') FROM scheduling.training_sessions s
    WHERE s.trainer_id = ${trainerId} AND s.status <> 'CANCELLED' AND s.starts_at < ${to} AND s.ends_at > ${from}
  ) b`;

/** A free span of a trainer's time. */
export interface FreeSlot {
  starts_at: Date;
  ends_at: Date;
}

/**
 * The trainer's free time in [from, to): working hours minus time off and busy time, clipped to the range;
 * adjacent spans merged (multirange arithmetic), in order. One statement.
 */
export async function findFreeSlots(db: Kysely<SchedulingDatabase>, trainerId: string, from: Date, to: Date): Promise<FreeSlot[]> {
  const { rows } = await sql<FreeSlot>`
    WITH working AS (${workingRanges(trainerId, from, to)}), busy AS (${busyRanges(trainerId, from, to)})
    SELECT lower(r) AS starts_at, upper(r) AS ends_at
    FROM working, busy,
      unnest((coalesce(working.m, '{}') * tstzmultirange(tstzrange(${from}, ${to}, '[)'))) - coalesce(busy.m, '{}')) AS r
    ORDER BY 1`.execute(db);
  return rows;
}

/** Whether [from, to) lies wholly within the trainer's working hours (bookings aside). */
export async function isWithinWorkingHours(db: Kysely<SchedulingDatabase>, trainerId: string, from: Date, to: Date): Promise<boolean> {
  const { rows } = await sql<{ within: boolean | null }>`
    WITH working AS (${workingRanges(trainerId, from, to)})
    SELECT working.m @> tstzrange(${from}, ${to}, '[)') AS within FROM working`.execute(db);
  return rows[0]?.within ?? false;
}

/** Whether the trainer has a training session (not cancelled) overlapping [from, to). */
export async function hasTrainingSessionBetween(db: Kysely<SchedulingDatabase>, trainerId: string, from: Date, to: Date): Promise<boolean> {
  const row = await db
    .selectFrom('scheduling.training_sessions')
    .select('id')
    .where('trainer_id', '=', trainerId)
    .where('status', '<>', 'CANCELLED')
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
