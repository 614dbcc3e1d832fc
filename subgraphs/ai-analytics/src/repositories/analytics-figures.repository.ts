import { sql, type Kysely } from 'kysely';
import type { AiAnalyticsDatabase } from '../db/database.js';

/** A bucket size that date_trunc and interval both understand, as the rollups store it. */
export type BucketUnit = 'day' | 'week' | 'month';

/** The rollups' name for "any event": not a valid event name, so it never collides with one. */
export const ANY_EVENT = '*';

/** One bucket as the rollups give it: events of the name and distinct actors who did one. */
export interface BucketFigures {
  bucket: Date;
  events: number;
  actors: number;
}

/**
 * Events and distinct actors of `name` (ANY_EVENT: any) per bucket over [from, to), every
 * bucket present, oldest first, in one statement that reads only the rollups.
 *
 * Buckets start at midnight (Monday for weeks, the 1st for months) in `timeZone`, from
 * generate_series over local times, so a daylight-saving day is 23 or 25 hours long. `from` and
 * `to` must be whole UTC hours and the zone's offsets whole hours: every bucket is then a run of
 * whole UTC hours. Event counts are sums of hourly counts. Distinct actors do not add up across
 * hours, so a bucket that lies wholly inside the range, in UTC or in a kept zone
 * (ai_analytics.rollup_zones), reads its precomputed count (one row; a week or month of one
 * event name counts the distinct actors of its days' sets), and any other bucket (a zone not
 * kept, or cut by the range) counts the distinct actors of its hours' sets.
 */
export async function figuresPerBucket(
  db: Kysely<AiAnalyticsDatabase>,
  args: { name: string; from: Date; to: Date; unit: BucketUnit; timeZone: string },
): Promise<BucketFigures[]> {
  const { name, from, to, unit, timeZone } = args;
  const step = `1 ${unit}`;
  // The rollups count the actors of any event per day, week and month, and of one name per day.
  const counted = name === ANY_EVENT || unit === 'day';
  const utc = timeZone === 'UTC';
  const { rows } = await sql<BucketFigures>`
    WITH buckets AS (
      SELECT b AT TIME ZONE ${timeZone} AS start, (b + ${step}::interval) AT TIME ZONE ${timeZone} AS stop
      FROM generate_series(
        date_trunc(${unit}, ${from}::timestamptz AT TIME ZONE ${timeZone}),
        date_trunc(${unit}, (${to}::timestamptz - interval '1 microsecond') AT TIME ZONE ${timeZone}),
        ${step}::interval
      ) AS b
    ), kept AS (
      SELECT ${timeZone} = 'UTC' OR EXISTS (SELECT 1 FROM ai_analytics.rollup_zones z WHERE z.zone = ${timeZone}) AS kept
    ), spans AS (
      SELECT start, greatest(start, ${from}::timestamptz) AS lo, least(stop, ${to}::timestamptz) AS hi,
        kept.kept AND start >= ${from}::timestamptz AND stop <= ${to}::timestamptz AS whole
      FROM buckets CROSS JOIN kept
    )
    SELECT s.start AS bucket,
      coalesce((
        SELECT sum(h.events) FROM ai_analytics.event_hour_counts h
        WHERE h.name = ${name} AND h.hour >= s.lo AND h.hour < s.hi
      ), 0)::float8 AS events,
      (CASE WHEN s.whole AND ${utc} AND ${counted} THEN coalesce((
        SELECT c.actors FROM ai_analytics.event_actor_counts c
        WHERE c.name = ${name} AND c.period_unit = ${unit} AND c.period_start = s.start
      ), 0) WHEN s.whole AND ${utc} THEN (
        SELECT count(DISTINCT a.actor) FROM ai_analytics.event_actors a
        WHERE a.name = ${name} AND a.period_unit = 'day' AND a.period_start >= s.lo AND a.period_start < s.hi
      ) WHEN s.whole AND ${counted} THEN coalesce((
        SELECT c.actors FROM ai_analytics.zone_event_actor_counts c
        WHERE c.zone = ${timeZone} AND c.name = ${name} AND c.period_unit = ${unit} AND c.period_start = s.start
      ), 0) WHEN s.whole THEN (
        SELECT count(DISTINCT a.actor) FROM ai_analytics.zone_event_actors a
        WHERE a.zone = ${timeZone} AND a.name = ${name} AND a.period_unit = 'day' AND a.period_start >= s.lo AND a.period_start < s.hi
      ) ELSE (
        SELECT count(DISTINCT a.actor) FROM ai_analytics.event_actors a
        WHERE a.name = ${name} AND a.period_unit = 'hour' AND a.period_start >= s.lo AND a.period_start < s.hi
      ) END)::int AS actors
    FROM spans s
    ORDER BY s.start`.execute(db);
  return rows;
}

/**
 * Keeps actor counters for exactly these zones (besides UTC): starts each one not kept yet,
 * counting the events recorded so far (inserts wait meanwhile: on a large table that takes
 * minutes), and stops those no longer listed. One transaction per zone, without the role's
 * statement timeout.
 */
export async function keepZoneRollups(db: Kysely<AiAnalyticsDatabase>, zones: readonly string[]): Promise<string[]> {
  const unbounded = <T>(run: (tx: Kysely<AiAnalyticsDatabase>) => Promise<T>) =>
    db.transaction().execute(async (tx) => {
      await sql`SET LOCAL statement_timeout = 0`.execute(tx);
      return run(tx);
    });
  const started: string[] = [];
  for (const zone of zones) {
    const { rows } = await unbounded((tx) => sql<{ added: boolean }>`SELECT ai_analytics.keep_zone_rollups(${zone}) AS added`.execute(tx));
    if (rows[0]?.added === true) started.push(zone);
  }
  const { rows: unlisted } = await sql<{ zone: string }>`
    SELECT zone FROM ai_analytics.rollup_zones WHERE NOT (zone = ANY(${[...zones]}::text[]))`.execute(db);
  for (const { zone } of unlisted) await unbounded((tx) => sql`SELECT ai_analytics.stop_zone_rollups(${zone})`.execute(tx));
  return started;
}

/**
 * How many actors reached each step of a funnel within [from, to), in one statement over the
 * events: an actor reaches step k at their first event named steps[k] strictly after the time
 * they reached step k-1 (taking the earliest occurrence each time leaves the most room for the
 * steps after it, so no actor is missed).
 */
export async function funnelCounts(
  db: Kysely<AiAnalyticsDatabase>,
  args: { steps: readonly string[]; from: Date; to: Date },
): Promise<number[]> {
  const { steps, from, to } = args;
  const reached = steps.map((step, k) => {
    const self = sql.id(`step${k}`);
    if (k === 0) {
      return sql`${self} AS (
        SELECT e.actor, min(e.occurred_at) AS at FROM ai_analytics.analytics_events e
        WHERE e.name = ${step} AND e.actor IS NOT NULL AND e.occurred_at >= ${from}::timestamptz AND e.occurred_at < ${to}::timestamptz
        GROUP BY e.actor)`;
    }
    const previous = sql.id(`step${k - 1}`);
    return sql`${self} AS (
      SELECT e.actor, min(e.occurred_at) AS at FROM ai_analytics.analytics_events e
      JOIN ${previous} p ON p.actor = e.actor AND e.occurred_at > p.at
      WHERE e.name = ${step} AND e.occurred_at < ${to}::timestamptz
      GROUP BY e.actor)`;
  });
  const counts = steps.map((_, k) => sql`(SELECT count(*) FROM ${sql.id(`step${k}`)})::int`);
  const { rows } = await sql<{ counts: number[] }>`
    WITH ${sql.join(reached, sql`, `)}
    SELECT ARRAY[${sql.join(counts, sql`, `)}] AS counts`.execute(db);
  return rows[0]?.counts ?? steps.map(() => 0);
}
