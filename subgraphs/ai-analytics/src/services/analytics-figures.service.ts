import { badUserInput, checkFigureRange, checkFigureRequest, isWithheld, requireRole, withheldSeries, zoneOffsetMinutes } from '@academy/service-kit';
import type { AiAnalyticsContext } from '../context.js';
import type { FunnelStep, Granularity, TimeRange, TimeSeries } from '../generated/graphql.js';
import { ANY_EVENT, figuresPerBucket, funnelCounts, type BucketFigures } from '../repositories/analytics-figures.repository.js';
import { EVENT_NAME } from './analytics-event.service.js';

const HOUR_MS = 3_600_000;
/** The most funnel steps: each is one more join over the events. */
export const MAX_FUNNEL_STEPS = 10;
const MAX_FUNNEL_DAYS = 400;

/**
 * ai-analytics' own rule on top of the shared zone check: the zone's offset must be a whole
 * number of hours at the range's ends and middle, so every bucket is whole UTC hours of the rollups.
 */
function checkWholeHourZone(timeZone: string, range: TimeRange): void {
  const middle = new Date((range.from.getTime() + range.to.getTime()) / 2);
  for (const at of [range.from, middle, range.to]) {
    if (zoneOffsetMinutes(timeZone, at) % 60 !== 0) {
      throw badUserInput('"timeZone" must be a zone whose offset from UTC is whole hours (figures are kept per UTC hour).', 'timeZone');
    }
  }
}

/** Buckets cut at whole hours only: the rollups are per UTC hour. */
function checkWholeHours(range: TimeRange): void {
  if (range.from.getTime() % HOUR_MS !== 0) throw badUserInput('"range.from" must be a whole hour (UTC).', 'range.from');
  if (range.to.getTime() % HOUR_MS !== 0) throw badUserInput('"range.to" must be a whole hour (UTC).', 'range.to');
}

/** A series from the rollups: `value` of each bucket, withheld as every figure's are (see withheldSeries). */
function series(metric: string, buckets: BucketFigures[], value: (b: BucketFigures) => number, minGroupSize: number): TimeSeries {
  return withheldSeries(metric, buckets.map((b) => ({ bucket: b.bucket, value: value(b), users: b.actors })), minGroupSize);
}

async function figures(ctx: AiAnalyticsContext, name: string, args: { range: TimeRange; granularity: Granularity; timeZone?: string | null }) {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const { range, unit, timeZone } = checkFigureRequest(args);
  checkWholeHours(range);
  checkWholeHourZone(timeZone, range);
  return figuresPerBucket(ctx.figuresDb, { name, from: range.from, to: range.to, unit, timeZone });
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
  checkFigureRange(args.range, MAX_FUNNEL_DAYS, `${MAX_FUNNEL_DAYS} days`);
  const counts = await funnelCounts(ctx.figuresDb, { steps: args.steps, from: args.range.from, to: args.range.to });
  const minGroupSize = ctx.settings.minGroupSize;
  const withheld = counts.map((users) => isWithheld(users, minGroupSize));
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
