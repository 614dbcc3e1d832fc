// The rules every analyst figure shares: how long a range may be for each bucket size, which
// time zones buckets may be cut in, the buckets themselves (one SQL fragment), and withholding
// small groups. A figure counts something per bucket together with the distinct users behind
// it; a bucket counting some but fewer users than the minimum group size is withheld.
import { sql, type RawBuilder } from 'kysely';
import { badUserInput } from './errors.js';

/** Below this many distinct users a figure is withheld, unless MIN_GROUP_SIZE says otherwise. */
export const DEFAULT_MIN_GROUP_SIZE = 5;

/** A bucket size that date_trunc and interval both understand. */
export type BucketUnit = 'day' | 'week' | 'month';

/** The granularities of the schemas' Granularity enum. */
export type FigureGranularity = 'DAY' | 'WEEK' | 'MONTH';

/** A time range [from, to). */
export interface FigureRange {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

/** Per granularity: its bucket unit and the longest range asked for, so an answer stays a few hundred points. */
export const FIGURE_GRANULARITY: Readonly<Record<FigureGranularity, { unit: BucketUnit; maxDays: number; limit: string }>> = Object.freeze({
  DAY: { unit: 'day', maxDays: 400, limit: '400 days' },
  WEEK: { unit: 'week', maxDays: 200 * 7, limit: '200 weeks' },
  MONTH: { unit: 'month', maxDays: 3_660, limit: '120 months' },
});

/** BAD_USER_INPUT unless `from` is before `to` and the range spans at most `maxDays` (`limit` says it in words). */
export function checkFigureRange(range: FigureRange, maxDays: number, limit: string): FigureRange {
  const { from, to } = range;
  if (from.getTime() >= to.getTime()) throw badUserInput('"range.from" must be before "range.to".', 'range');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw badUserInput(`The range spans at most ${limit}.`, 'range');
  return { from, to };
}

/** Zone names as the IANA database spells them (Area/Location), or UTC: never offsets, whose signs PostgreSQL reads the POSIX way. */
const ZONE_NAME = /^(UTC|[A-Za-z]+(\/[A-Za-z0-9_+-]+)+)$/;

/**
 * The time zone buckets are cut in: UTC when none is given, else an IANA zone name the
 * runtime's time zone database knows (e.g. Europe/Berlin), as it spells it; BAD_USER_INPUT otherwise.
 */
export function checkTimeZone(timeZone: string | null | undefined): string {
  if (timeZone == null || timeZone === 'UTC') return 'UTC';
  if (timeZone.length <= 64 && ZONE_NAME.test(timeZone)) {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
    } catch {
      // Unknown to the runtime: refused below.
    }
  }
  throw badUserInput('"timeZone" must be an IANA time zone such as Europe/Berlin.', 'timeZone');
}

/** The zone's offset from UTC at `at`, in minutes, as the runtime's IANA database has it. */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT(?:([+-])(\d\d):(\d\d))?/.exec(part ?? '');
  if (!match) return Number.NaN;
  if (!match[1]) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** What a bucketed figure is asked for, checked: the range, its bucket unit and the zone. */
export interface FigureRequest {
  range: FigureRange;
  unit: BucketUnit;
  timeZone: string;
}

/**
 * Checks the arguments every bucketed figure takes: the range against the granularity's longest
 * span and the time zone (UTC by default). BAD_USER_INPUT naming the argument otherwise.
 */
export function checkFigureRequest(args: { range: FigureRange; granularity: FigureGranularity; timeZone?: string | null }): FigureRequest {
  const { unit, maxDays, limit } = FIGURE_GRANULARITY[args.granularity];
  const range = checkFigureRange(args.range, maxDays, limit);
  return { range, unit, timeZone: checkTimeZone(args.timeZone) };
}

/**
 * The buckets covering [from, to) as the body of a CTE: the `start` (timestamptz) of each,
 * oldest first, contiguous. Buckets start at local midnight in `timeZone` (Monday for
 * weeks, the 1st for months): the series runs over local times and each is turned back into an
 * instant, so a daylight-saving day is 23 or 25 hours long. The first and last buckets may
 * reach outside the range: a figure counts only what lies inside it.
 */
export function localBuckets(request: FigureRequest): RawBuilder<unknown> {
  const { range, unit, timeZone } = request;
  const step = `1 ${unit}`;
  return sql`
    SELECT b AT TIME ZONE ${timeZone} AS start
    FROM generate_series(
      date_trunc(${unit}, ${range.from}::timestamptz AT TIME ZONE ${timeZone}),
      date_trunc(${unit}, (${range.to}::timestamptz - interval '1 microsecond') AT TIME ZONE ${timeZone}),
      ${step}::interval
    ) AS b`;
}

/**
 * The start of the `localBuckets` bucket that the instant in `column` (timestamptz) falls in:
 * its local time truncated to the unit, turned back into an instant, exactly as the series of
 * `localBuckets` makes each bucket's start. Joining a figure's rows to the buckets on equality
 * with it (a hash join) replaces comparing every row with every bucket's range.
 */
export function localBucketOf(request: FigureRequest, column: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`date_trunc(${request.unit}, ${column} AT TIME ZONE ${request.timeZone}) AT TIME ZONE ${request.timeZone}`;
}

/** Whether a figure over `users` distinct users is withheld: some, but fewer than the minimum group size. */
export function isWithheld(users: number, minGroupSize: number): boolean {
  return users > 0 && users < minGroupSize;
}

/** One bucket as a figure's statement gives it: the measure and the distinct users behind it. */
export interface CountedBucket {
  bucket: Date;
  value: number;
  users: number;
}

/** A time series as the schemas' TimeSeries type has it. */
export interface FigureSeries {
  metric: string;
  points: { bucket: Date; value: number; withheld: boolean }[];
  total: number;
}

/**
 * A series from counted buckets: each bucket's value, or 0 flagged withheld when the bucket
 * counts some but fewer distinct users than `minGroupSize`. The total adds the values shown,
 * so no withheld value can be recovered from it.
 */
export function withheldSeries(metric: string, buckets: readonly CountedBucket[], minGroupSize: number): FigureSeries {
  const points = buckets.map((b) => {
    const withheld = isWithheld(b.users, minGroupSize);
    return { bucket: b.bucket, value: withheld ? 0 : b.value, withheld };
  });
  return { metric, points, total: points.reduce((sum, p) => sum + p.value, 0) };
}
