import { badUserInput, requireRole } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { Granularity, TimeRange, TimeSeries } from '../generated/graphql.js';
import { countMessagesPerBucket, countPostActivityPerBucket, type BucketUnit, type Range } from '../repositories/activity.repository.js';

const DAY_MS = 86_400_000;

/** Per granularity: its date_trunc unit and the longest range asked for (as learning's figures have them). */
const GRANULARITY: Record<Granularity, { unit: BucketUnit; maxDays: number; limit: string }> = {
  DAY: { unit: 'day', maxDays: 400, limit: '400 days' },
  WEEK: { unit: 'week', maxDays: 200 * 7, limit: '200 weeks' },
  MONTH: { unit: 'month', maxDays: 3_660, limit: '120 months' },
};

/** The range and bucket unit of a figure, for ANALYST and ADMIN; BAD_USER_INPUT for a range backwards or too long. */
function figureOf(ctx: CommunityContext, args: { range: TimeRange; granularity: Granularity }): { range: Range; unit: BucketUnit } {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const { from, to } = args.range;
  const { unit, maxDays, limit } = GRANULARITY[args.granularity];
  if (from.getTime() >= to.getTime()) throw badUserInput('"range.from" must be before "range.to".', 'range');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw badUserInput(`A ${args.granularity} series spans at most ${limit}.`, 'range');
  return { range: { from, to }, unit };
}

const seriesOf = (metric: string, points: { bucket: Date; value: number }[]): TimeSeries => ({
  metric,
  points,
  total: points.reduce((sum, p) => sum + p.value, 0),
});

/** Chat messages sent per bucket (ANALYST, ADMIN). */
export async function chatActivity(ctx: CommunityContext, args: { range: TimeRange; granularity: Granularity }): Promise<TimeSeries> {
  const { range, unit } = figureOf(ctx, args);
  return seriesOf('messages', await countMessagesPerBucket(ctx.db, range, unit));
}

/** Posts, comments and reactions per bucket (ANALYST, ADMIN), read in one statement. */
export async function postActivity(ctx: CommunityContext, args: { range: TimeRange; granularity: Granularity }) {
  const { range, unit } = figureOf(ctx, args);
  const rows = await countPostActivityPerBucket(ctx.db, range, unit);
  return {
    posts: seriesOf('posts', rows.map((r) => ({ bucket: r.bucket, value: r.posts }))),
    comments: seriesOf('comments', rows.map((r) => ({ bucket: r.bucket, value: r.comments }))),
    reactions: seriesOf('reactions', rows.map((r) => ({ bucket: r.bucket, value: r.reactions }))),
  };
}
