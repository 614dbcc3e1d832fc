// Revenue figures for ANALYST and ADMIN, net of refunds: money in when an order was paid, money
// back when a refund was paid back (its net: the fee kept stays revenue), in one currency.
import { badUserInput, intInRange, isCurrencyCode, requireRole } from '@academy/service-kit';
import type { CommerceContext } from '../context.js';
import type { CourseRevenue } from '../db/database.js';
import type { Granularity, QueryRevenueByCourseArgs, QueryRevenueStatsArgs, TimeRange, TimeSeries } from '../generated/graphql.js';
import { revenueOfCourses, revenuePerBucket, type BucketUnit, type Range } from '../repositories/revenue.repository.js';

const DAY_MS = 86_400_000;

/** Per granularity: its date_trunc unit and the longest range asked for (as the other figures have them). */
const GRANULARITY: Record<Granularity, { unit: BucketUnit; maxDays: number; limit: string }> = {
  DAY: { unit: 'day', maxDays: 400, limit: '400 days' },
  WEEK: { unit: 'week', maxDays: 200 * 7, limit: '200 weeks' },
  MONTH: { unit: 'month', maxDays: 3_660, limit: '120 months' },
};

/** The checked range and currency of a figure; BAD_USER_INPUT naming the field otherwise. */
function figureOf(args: { range: TimeRange; currency: string }, maxDays: number, limit: string): { range: Range; currency: string } {
  const { from, to } = args.range;
  if (from.getTime() >= to.getTime()) throw badUserInput('"range.from" must be before "range.to".', 'range');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw badUserInput(`The range spans at most ${limit}.`, 'range');
  if (!isCurrencyCode(args.currency)) throw badUserInput('"currency" must be an ISO 4217 code, e.g. GBP.', 'currency');
  return { range: { from, to }, currency: args.currency };
}

/** Revenue net of refunds per UTC bucket, every bucket of the range present (ANALYST, ADMIN). */
export async function revenueStats(ctx: CommerceContext, args: QueryRevenueStatsArgs): Promise<TimeSeries> {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const { unit, maxDays, limit } = GRANULARITY[args.granularity];
  const { range, currency } = figureOf(args, maxDays, limit);
  const points = await revenuePerBucket(ctx.db, range, unit, currency);
  return { metric: `revenue:${currency}`, points, total: points.reduce((sum, p) => sum + p.value, 0) };
}

/** The courses that brought in most over the range, net of refunds (ANALYST, ADMIN). */
export async function revenueByCourse(ctx: CommerceContext, args: QueryRevenueByCourseArgs): Promise<CourseRevenue[]> {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const { range, currency } = figureOf(args, 3_660, '10 years');
  const first = intInRange(args.first ?? 10, 'first', 1, 100);
  const rows = await revenueOfCourses(ctx.db, range, currency, first);
  return rows.map((r) => ({ course_id: r.course_id, orders: r.orders, revenue: { amount_minor: r.revenue, currency } }));
}
