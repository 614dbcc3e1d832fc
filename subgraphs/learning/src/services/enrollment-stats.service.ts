import { checkFigureRequest, parseId, requireRole, withheldSeries } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Granularity, TimeRange, TimeSeries } from '../generated/graphql.js';
import { countEnrollmentsPerBucket } from '../repositories/enrollment-stats.repository.js';

/**
 * New enrollments per bucket (ANALYST, ADMIN), optionally of one course, buckets from local
 * midnight in `timeZone` (UTC by default). A bucket whose enrollments come from fewer distinct
 * learners than the minimum group size is withheld.
 */
export async function enrollmentStats(
  ctx: LearningContext,
  args: { range: TimeRange; granularity: Granularity; courseId?: string | null; timeZone?: string | null },
): Promise<TimeSeries> {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const request = checkFigureRequest(args);
  const courseId = args.courseId == null ? null : parseId(args.courseId, 'courseId');
  return withheldSeries('enrollments', await countEnrollmentsPerBucket(ctx.figuresDb, request, courseId), ctx.minGroupSize);
}
