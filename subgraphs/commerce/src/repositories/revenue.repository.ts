import { localBucketOf, localBuckets, type CountedBucket, type FigureRequest } from '@academy/service-kit';
import { sql, type Kysely } from 'kysely';
import type { CommerceDatabase } from '../db/database.js';

type Db = Kysely<CommerceDatabase>;

/** A time range [from, to). */
export interface Range {
  from: Date;
  to: Date;
}

/** Orders whose money was taken (paid, then maybe refunded in part or whole). */
const TAKEN = sql`('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED')`;

/**
 * Revenue per bucket over [from, to) in one currency with the distinct customers behind it,
 * every bucket present (empty ones 0), oldest first, buckets from local midnight in the
 * request's zone, in one statement: each paid order's total in the bucket of its paid_at, minus
 * each completed refund's net (what went back) in the bucket of its processed_at. The customers
 * are those of the orders paid and of the orders refunded in the bucket.
 */
export async function revenuePerBucket(db: Db, request: FigureRequest, currency: string): Promise<CountedBucket[]> {
  const { range } = request;
  const { rows } = await sql<CountedBucket>`
    WITH buckets AS (${localBuckets(request)}),
    moves AS (
      SELECT paid_at AS at, total_minor::bigint AS amount, user_id FROM commerce.orders
      WHERE currency = ${currency} AND status IN ${TAKEN} AND paid_at >= ${range.from}::timestamptz AND paid_at < ${range.to}::timestamptz
      UNION ALL
      SELECT r.processed_at, -r.net_minor::bigint, o.user_id FROM commerce.refunds r JOIN commerce.orders o ON o.id = r.order_id
      WHERE r.status = 'COMPLETED' AND r.currency = ${currency} AND r.processed_at >= ${range.from}::timestamptz AND r.processed_at < ${range.to}::timestamptz
    )
    SELECT buckets.start AS bucket, coalesce(sum(moves.amount), 0)::float8 AS value, count(DISTINCT moves.user_id)::int AS users
    FROM buckets
    LEFT JOIN moves ON ${localBucketOf(request, sql`moves.at`)} = buckets.start
    GROUP BY buckets.start
    ORDER BY buckets.start`.execute(db);
  return rows;
}

/**
 * Revenue per course over [from, to) in one currency, highest first, in one statement. A course
 * has the COURSE_ACCESS and SESSION_SEAT items naming it. Money in: each item's share of what its
 * order paid (item total × order total ÷ subtotal, so a discount is shared pro rata), for orders
 * paid in the range. Money back: completed refunds processed in the range, the net of a refund of
 * one item to that item, any other refund's net shared over the order's items the same way.
 * Rounded to whole minor units per course, after summing.
 *
 * A course whose orders and refunds in the range belong to some but fewer than `minGroupSize`
 * distinct customers is withheld: orders and revenue 0, and ranked after every shown course
 * (by id), so neither its figures nor its place in the ranking tell anything of them.
 */
export async function revenueOfCourses(
  db: Db,
  range: Range,
  currency: string,
  limit: number,
  minGroupSize: number,
): Promise<{ course_id: string; orders: number; revenue: number; withheld: boolean }[]> {
  const { rows } = await sql<{ course_id: string; orders: number; revenue: number; withheld: boolean }>`
    WITH moves AS (
      SELECT i.course_id, o.id AS order_id, o.user_id, i.total_minor::numeric * o.total_minor / o.subtotal_minor AS amount
      FROM commerce.orders o JOIN commerce.order_items i ON i.order_id = o.id
      WHERE o.currency = ${currency} AND o.status IN ${TAKEN} AND o.paid_at >= ${range.from}::timestamptz AND o.paid_at < ${range.to}::timestamptz
        AND o.subtotal_minor > 0 AND i.kind IN ('COURSE_ACCESS', 'SESSION_SEAT') AND i.course_id IS NOT NULL
      UNION ALL
      SELECT i.course_id, NULL, o.user_id,
        -(CASE WHEN r.order_item_id IS NULL THEN r.net_minor::numeric * i.total_minor / o.subtotal_minor
               WHEN r.order_item_id = i.id THEN r.net_minor::numeric
               ELSE 0 END)
      FROM commerce.refunds r JOIN commerce.orders o ON o.id = r.order_id JOIN commerce.order_items i ON i.order_id = o.id
      WHERE r.status = 'COMPLETED' AND r.currency = ${currency} AND r.processed_at >= ${range.from}::timestamptz AND r.processed_at < ${range.to}::timestamptz
        AND o.subtotal_minor > 0 AND i.kind IN ('COURSE_ACCESS', 'SESSION_SEAT') AND i.course_id IS NOT NULL
    ),
    courses AS (
      SELECT course_id, count(DISTINCT order_id)::int AS orders, round(sum(amount))::float8 AS revenue,
        count(DISTINCT user_id) < ${minGroupSize}::int AS withheld
      FROM moves
      GROUP BY course_id
    )
    SELECT course_id,
      CASE WHEN withheld THEN 0 ELSE orders END AS orders,
      CASE WHEN withheld THEN 0 ELSE revenue END AS revenue,
      withheld
    FROM courses
    -- revenue and orders here are the output columns: a withheld course's are 0, so it sorts by id alone.
    ORDER BY withheld, revenue DESC, course_id
    LIMIT ${limit}`.execute(db);
  return rows;
}
