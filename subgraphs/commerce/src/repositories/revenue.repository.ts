import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CommerceDatabase } from '../db/database.js';

type Db = Kysely<CommerceDatabase>;

/** A bucket size that date_trunc and interval both understand. */
export type BucketUnit = 'day' | 'week' | 'month';

/** A UTC time range [from, to). */
export interface Range {
  from: Date;
  to: Date;
}

/** Orders whose money was taken (paid, then maybe refunded in part or whole). */
const TAKEN = sql`('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED')`;

/**
 * The UTC buckets covering [from, to), oldest first, as a CTE body: `start` and `stop` of each.
 * Week is ISO (Monday), as date_trunc has it.
 */
function buckets(range: Range, unit: BucketUnit): RawBuilder<unknown> {
  const step = `1 ${unit}`;
  return sql`
    SELECT b AT TIME ZONE 'UTC' AS start, (b + ${step}::interval) AT TIME ZONE 'UTC' AS stop
    FROM generate_series(
      date_trunc(${unit}, ${range.from}::timestamptz AT TIME ZONE 'UTC'),
      date_trunc(${unit}, (${range.to}::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC'),
      ${step}::interval
    ) AS b`;
}

/**
 * Revenue per UTC bucket over [from, to) in one currency, every bucket present (empty ones 0),
 * oldest first, in one statement: each paid order's total in the bucket of its paid_at, minus
 * each completed refund's net (what went back) in the bucket of its processed_at.
 */
export async function revenuePerBucket(db: Db, range: Range, unit: BucketUnit, currency: string): Promise<{ bucket: Date; value: number }[]> {
  const { rows } = await sql<{ bucket: Date; value: number }>`
    WITH buckets AS (${buckets(range, unit)}),
    moves AS (
      SELECT paid_at AS at, total_minor::bigint AS amount FROM commerce.orders
      WHERE currency = ${currency} AND status IN ${TAKEN} AND paid_at >= ${range.from}::timestamptz AND paid_at < ${range.to}::timestamptz
      UNION ALL
      SELECT processed_at, -net_minor::bigint FROM commerce.refunds
      WHERE status = 'COMPLETED' AND currency = ${currency} AND processed_at >= ${range.from}::timestamptz AND processed_at < ${range.to}::timestamptz
    )
    SELECT buckets.start AS bucket, coalesce(sum(moves.amount), 0)::float8 AS value
    FROM buckets
    LEFT JOIN moves ON moves.at >= buckets.start AND moves.at < buckets.stop
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
 */
export async function revenueOfCourses(db: Db, range: Range, currency: string, limit: number): Promise<{ course_id: string; orders: number; revenue: number }[]> {
  const { rows } = await sql<{ course_id: string; orders: number; revenue: number }>`
    WITH moves AS (
      SELECT i.course_id, o.id AS order_id, i.total_minor::numeric * o.total_minor / o.subtotal_minor AS amount
      FROM commerce.orders o JOIN commerce.order_items i ON i.order_id = o.id
      WHERE o.currency = ${currency} AND o.status IN ${TAKEN} AND o.paid_at >= ${range.from}::timestamptz AND o.paid_at < ${range.to}::timestamptz
        AND o.subtotal_minor > 0 AND i.kind IN ('COURSE_ACCESS', 'SESSION_SEAT') AND i.course_id IS NOT NULL
      UNION ALL
      SELECT i.course_id, NULL,
        -(CASE WHEN r.order_item_id IS NULL THEN r.net_minor::numeric * i.total_minor / o.subtotal_minor
               WHEN r.order_item_id = i.id THEN r.net_minor::numeric
               ELSE 0 END)
      FROM commerce.refunds r JOIN commerce.orders o ON o.id = r.order_id JOIN commerce.order_items i ON i.order_id = o.id
      WHERE r.status = 'COMPLETED' AND r.currency = ${currency} AND r.processed_at >= ${range.from}::timestamptz AND r.processed_at < ${range.to}::timestamptz
        AND o.subtotal_minor > 0 AND i.kind IN ('COURSE_ACCESS', 'SESSION_SEAT') AND i.course_id IS NOT NULL
    )
    SELECT course_id, count(DISTINCT order_id)::int AS orders, round(sum(amount))::float8 AS revenue
    FROM moves
    GROUP BY course_id
    ORDER BY revenue DESC, course_id
    LIMIT ${limit}`.execute(db);
  return rows;
}
