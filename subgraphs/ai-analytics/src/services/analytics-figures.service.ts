import { badUserInput, requireRole } from '@academy/service-kit';
import type { AiAnalyticsContext } from '../context.js';
import type { FunnelStep, Granularity, TimeRange, TimeSeries } from '../generated/graphql.js';
import { ANY_EVENT, figuresPerBucket, funnelCounts, type BucketFigures, type BucketUnit } from '../repositories/analytics-figures.repository.js';
import { EVENT_NAME } from './analytics-event.service.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The most funnel steps: each is one more join over the events. */
export const MAX_FUNNEL_STEPS = 10;
const MAX_FUNNEL_DAYS = 400;

/** Per granularity: its date_trunc unit and the longest range asked for, so an answer stays a few hundred points. */
const GRANULARITY: Record<Granularity, { unit: BucketUnit; maxDays: number; limit: string }> = {
  DAY: { unit: 'day', maxDays: 400, limit: '400 days' },
  WEEK: { unit: 'week', maxDays: 200 * 7, limit: '200 weeks' },
  MONTH: { unit: 'month', maxDays: 3_660, limit: '120 months' },
};

/** Zone names as the IANA database spells them (Area/Location), or UTC. */
const ZONE_NAME = /^(UTC|[A-Za-z]+(\/[A-Za-z0-9_+-]+)+)$/;

function checkRange(range: TimeRange, maxDays: number, limit: string): void {
  const { from, to } = range;
  if (from.getTime() >= to.getTime()) throw badUserInput('"range.from" must be before "range.to".', 'range');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw badUserInput(`The range spans at most ${limit}.`, 'range');
}

/** The zone's offset from UTC at `at`, in minutes, as the runtime's IANA database has it. */
function offsetMinutes(timeZone: string, at: Date): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT(?:([+-])(\d\d):(\d\d))?/.exec(part ?? '');
  if (!match) return Number.NaN;
  if (!match[1]) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/**
 * The zone buckets are cut in: UTC by default, else an IANA zone whose offset is a whole number
 * of hours at the range's ends and middle (every bucket is then whole UTC hours of the rollups).
 */
function checkTimeZone(timeZone: string | null | undefined, range: TimeRange): string {
  if (timeZone == null || timeZone === 'UTC') return 'UTC';
  let known = ZONE_NAME.test(timeZone);
  try {
    if (known) new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    known = false;
  }
  if (!known) throw badUserInput('"timeZone" must be an IANA time zone such as Europe/Berlin.', 'timeZone');
  const middle = new Date((range.from.getTime() + range.to.getTime()) / 2);
  for (const at of [range.from, middle, range.to]) {
    if (offsetMinutes(timeZone, at) % 60 !== 0) {
      throw badUserInput('"timeZone" must be a zone whose offset from UTC is whole hours (figures are kept per UTC hour).', 'timeZone');
    }
  }
  return timeZone;
}

/** Buckets cut at whole hours only: the rollups are per UTC hour. */
function checkWholeHours(range: TimeRange): void {
  if (range.from.getTime() % HOUR_MS !== 0) throw badUserInput('"range.from" must be a whole hour (UTC).', 'range.from');
  if (range.to.getTime() % HOUR_MS !== 0) throw badUserInput('"range.to" must be a whole hour (UTC).', 'range.to');
}

/**
 * A series from the rollups: `value` of each bucket, withheld (0, flagged) when the bucket
 * counts some but fewer distinct users than the minimum group size. The total adds the values
 * shown, so no withheld value can be recovered from it.
 */
function series(metric: string, buckets: BucketFigures[], value: (b: BucketFigures) => number, minGroupSize: number): TimeSeries {
  const points = buckets.map((b) => {
    const withheld = b.actors > 0 && b.actors < minGroupSize;
    return { bucket: b.bucket, value: withheld ? 0 : value(b), withheld };
  });
  return { metric, points, total: points.reduce((sum, p) => sum + p.value, 0) };
}

async function figures(ctx: AiAnalyticsContext, name: string, args: { range: TimeRange; granularity: Granularity; timeZone?: string | null }) {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const { unit, maxDays, limit } = GRANULARITY[args.granularity];
  checkRange(args.range, maxDays, limit);
  checkWholeHours(args.range);
  const timeZone = checkTimeZone(args.timeZone, args.range);
  return figuresPerBucket(ctx.db, { name, from: args.range.from, to: args.range.to, unit, timeZone });
}

/** Distinct users (signed-in users and anonymous visitors) with any event per bucket (ANALYST, ADMIN). */
export async function activeUsers(
  ctx: AiAnalyticsContext,
  args: { range: TimeRange; granularity: Granularity; timeZone?: string | null },
): Promise<TimeSeries> {
  const buckets = await figures(ctx, ANY_EVENT, args);
  return series('activeUsers', buckets, (b) => b.actors, ctx.settings.minGroupSize);
}

/** Events of one name per bucket (ANALYST, ADMIN); a bucket whose events come from too few users is withheld. */
export async function eventCounts(
  ctx: AiAnalyticsContext,
  args: { name: string; range: TimeRange; granularity: Granularity; timeZone?: string | null },
): Promise<TimeSeries> {
  if (!EVENT_NAME.test(args.name)) throw badUserInput('"name" is not an event name.', 'name');
  const buckets = await figures(ctx, args.name, args);
  return series(args.name, buckets, (b) => b.events, ctx.settings.minGroupSize);
}

/**
 * Users who did each step strictly after the step before, all within the range (ANALYST,
 * ADMIN). A step reached by fewer users than the minimum group size is withheld, and so is the
 * conversion into or out of it.
 */
export async function funnel(ctx: AiAnalyticsContext, args: { steps: readonly string[]; range: TimeRange }): Promise<FunnelStep[]> {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  if (args.steps.length === 0 || args.steps.length > MAX_FUNNEL_STEPS) {
    throw badUserInput(`A funnel has 1 to ${MAX_FUNNEL_STEPS} steps.`, 'steps');
  }
  args.steps.forEach((step, i) => {
    if (!EVENT_NAME.test(step)) throw badUserInput(`"steps[${i}]" is not an event name.`, `steps[${i}]`);
  });
  checkRange(args.range, MAX_FUNNEL_DAYS, `${MAX_FUNNEL_DAYS} days`);
  const counts = await funnelCounts(ctx.db, { steps: args.steps, from: args.range.from, to: args.range.to });
  const minGroupSize = ctx.settings.minGroupSize;
  const withheld = counts.map((users) => users > 0 && users < minGroupSize);
  return args.steps.map((name, i) => {
    const users = counts[i] ?? 0;
    const previous = i === 0 ? null : (counts[i - 1] ?? 0);
    const shown = !withheld[i] && (i === 0 || !withheld[i - 1]);
    return {
      name,
      users: withheld[i] ? 0 : users,
      conversionFromPrevious: previous === null || !shown ? null : previous === 0 ? 0 : users / previous,
      withheld: withheld[i] ?? false,
    };
  });
}
