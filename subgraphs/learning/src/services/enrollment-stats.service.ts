import { badUserInput, parseId, requireRole } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Granularity, TimeRange, TimeSeries } from '../generated/graphql.js';
import { countEnrollmentsPerBucket, type BucketUnit } from '../repositories/enrollment-stats.repository.js';

const DAY_MS = 86_400_000;

/** Per granularity: its date_trunc unit and the longest range asked for, so an answer stays a few hundred points. */
const GRANULARITY: Record<Granularity, { unit: BucketUnit; maxDays: number; limit: string }> = {
  DAY: { unit: 'day', maxDays: 400, limit: '400 days' },
  WEEK: { unit: 'week', maxDays: 200 * 7, limit: '200 weeks' },
  MONTH: { unit: 'month', maxDays: 3_660, limit: '120 months' },
};

/** New enrollments per bucket (ANALYST, ADMIN), optionally of one course. */
export async function enrollmentStats(
  ctx: LearningContext,
  args: { range: TimeRange; granularity: Granularity; courseId?: string | null },
): Promise<TimeSeries> {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const { from, to } = args.range;
  const { unit, maxDays, limit } = GRANULARITY[args.granularity];
  if (from.getTime() >= to.getTime()) throw badUserInput('"range.from" must be before "range.to".', 'range');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw badUserInput(`A ${args.granularity} series spans at most ${limit}.`, 'range');
  const courseId = args.courseId == null ? null : parseId(args.courseId, 'courseId');
  const points = await countEnrollmentsPerBucket(ctx.db, { from, to }, unit, courseId);
  return { metric: 'enrollments', points, total: points.reduce((sum, p) => sum + p.value, 0) };
}
