// Revenue figures for ANALYST and ADMIN, net of refunds: money in when an order was paid, money
// back when a refund was paid back (its net: the fee kept stays revenue), in one currency.
import { badUserInput, checkFigureRange, checkFigureRequest, intInRange, isCurrencyCode, requireRole, withheldSeries } from '@academy/service-kit';
import type { CommerceContext } from '../context.js';
import type { CourseRevenue } from '../db/database.js';
import type { QueryRevenueByCourseArgs, QueryRevenueStatsArgs, TimeSeries } from '../generated/graphql.js';
import { revenueOfCourses, revenuePerBucket } from '../repositories/revenue.repository.js';

/** The currency of a figure; BAD_USER_INPUT naming the field otherwise. */
function checkCurrency(currency: string): string {
  if (!isCurrencyCode(currency)) throw badUserInput('"currency" must be an ISO 4217 code, e.g. GBP.', 'currency');
  return currency;
}

/**
 * Revenue net of refunds per bucket, every bucket of the range present, buckets from local
 * midnight in `timeZone` (UTC by default) (ANALYST, ADMIN). A bucket whose orders and refunds
 * belong to fewer distinct customers than the minimum group size is withheld.
 */
export async function revenueStats(ctx: CommerceContext, args: QueryRevenueStatsArgs): Promise<TimeSeries> {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const request = checkFigureRequest(args);
  const currency = checkCurrency(args.currency);
  return withheldSeries(`revenue:${currency}`, await revenuePerBucket(ctx.figuresDb, request, currency), ctx.minGroupSize);
}

/**
 * The courses that brought in most over the range, net of refunds (ANALYST, ADMIN); a course
 * whose customers in the range are fewer than the minimum group size is withheld (see
 * revenueOfCourses). It has no buckets, so no time zone.
 */
export async function revenueByCourse(ctx: CommerceContext, args: QueryRevenueByCourseArgs): Promise<CourseRevenue[]> {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const range = checkFigureRange(args.range, 3_660, '10 years');
  const currency = checkCurrency(args.currency);
  const first = intInRange(args.first ?? 10, 'first', 1, 100);
  const rows = await revenueOfCourses(ctx.figuresDb, range, currency, first, ctx.minGroupSize);
  return rows.map((r) => ({ course_id: r.course_id, orders: r.orders, revenue: { amount_minor: r.revenue, currency }, withheld: r.withheld }));
}
