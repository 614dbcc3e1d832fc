import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';

/** A bucket size that date_trunc and interval both understand. */
export type BucketUnit = 'day' | 'week' | 'month';

/** A UTC time range [from, to). */
export interface Range {
  from: Date;
  to: Date;
}

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
 * Chat messages sent per UTC bucket over [from, to), every bucket present (empty ones 0),
 * oldest first, in one statement. Deleted messages count: they were sent.
 */
export async function countMessagesPerBucket(db: Kysely<CommunityDatabase>, range: Range, unit: BucketUnit): Promise<{ bucket: Date; value: number }[]> {
  const { rows } = await sql<{ bucket: Date; value: number }>`
    WITH buckets AS (${buckets(range, unit)})
    SELECT buckets.start AS bucket, count(m.id)::int AS value
    FROM buckets
    LEFT JOIN community.chat_messages m
      ON m.sent_at >= greatest(buckets.start, ${range.from}::timestamptz)
     AND m.sent_at < least(buckets.stop, ${range.to}::timestamptz)
    GROUP BY buckets.start
    ORDER BY buckets.start`.execute(db);
  return rows;
}

/** Posts, comments and reactions per UTC bucket over [from, to), every bucket present, oldest first, in one statement. */
export async function countPostActivityPerBucket(
  db: Kysely<CommunityDatabase>,
  range: Range,
  unit: BucketUnit,
): Promise<{ bucket: Date; posts: number; comments: number; reactions: number }[]> {
  const within = (column: RawBuilder<unknown>) => sql`${column} >= ${range.from}::timestamptz AND ${column} < ${range.to}::timestamptz`;
  const { rows } = await sql<{ bucket: Date; posts: number; comments: number; reactions: number }>`
    WITH buckets AS (${buckets(range, unit)}),
    happened AS (
      SELECT 'post' AS what, created_at AS at FROM community.posts WHERE ${within(sql.ref('created_at'))}
      UNION ALL
      SELECT 'comment', created_at FROM community.post_comments WHERE ${within(sql.ref('created_at'))}
      UNION ALL
      SELECT 'reaction', reacted_at FROM community.post_reactions WHERE ${within(sql.ref('reacted_at'))}
    )
    SELECT buckets.start AS bucket,
      count(*) FILTER (WHERE h.what = 'post')::int AS posts,
      count(*) FILTER (WHERE h.what = 'comment')::int AS comments,
      count(*) FILTER (WHERE h.what = 'reaction')::int AS reactions
    FROM buckets
    LEFT JOIN happened h ON h.at >= buckets.start AND h.at < buckets.stop
    GROUP BY buckets.start
    ORDER BY buckets.start`.execute(db);
  return rows;
}
