import { localBucketOf, localBuckets, type CountedBucket, type FigureRequest } from '@academy/service-kit';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';

/**
 * Chat messages sent per bucket over [from, to) with their distinct senders, every bucket
 * present (empty ones 0), oldest first, buckets from local midnight in the request's zone, in
 * one statement. Deleted messages count: they were sent.
 */
export async function countMessagesPerBucket(db: Kysely<CommunityDatabase>, request: FigureRequest): Promise<CountedBucket[]> {
  const { range } = request;
  const { rows } = await sql<CountedBucket>`
    WITH buckets AS (${localBuckets(request)}),
    sent AS (
      SELECT id, sender_id, sent_at FROM community.chat_messages
      WHERE sent_at >= ${range.from}::timestamptz AND sent_at < ${range.to}::timestamptz
    )
    SELECT buckets.start AS bucket, count(sent.id)::int AS value, count(DISTINCT sent.sender_id)::int AS users
    FROM buckets
    LEFT JOIN sent ON ${localBucketOf(request, sql.ref('sent.sent_at'))} = buckets.start
    GROUP BY buckets.start
    ORDER BY buckets.start`.execute(db);
  return rows;
}

/** One bucket of posting activity: each count with the distinct users behind it. */
export interface PostActivityBucket {
  bucket: Date;
  posts: number;
  authors: number;
  comments: number;
  commenters: number;
  reactions: number;
  reactors: number;
}

/**
 * Posts, comments and reactions per bucket over [from, to), with the distinct post authors,
 * commenters and reacting users of each, every bucket present, oldest first, buckets from local
 * midnight in the request's zone, in one statement.
 */
export async function countPostActivityPerBucket(db: Kysely<CommunityDatabase>, request: FigureRequest): Promise<PostActivityBucket[]> {
  const { range } = request;
  const within = (column: RawBuilder<unknown>) => sql`${column} >= ${range.from}::timestamptz AND ${column} < ${range.to}::timestamptz`;
  const { rows } = await sql<PostActivityBucket>`
    WITH buckets AS (${localBuckets(request)}),
    happened AS (
      SELECT 'post' AS what, created_at AS at, author_id AS user_id FROM community.posts WHERE ${within(sql.ref('created_at'))}
      UNION ALL
      SELECT 'comment', created_at, author_id FROM community.post_comments WHERE ${within(sql.ref('created_at'))}
      UNION ALL
      SELECT 'reaction', reacted_at, user_id FROM community.post_reactions WHERE ${within(sql.ref('reacted_at'))}
    )
    SELECT buckets.start AS bucket,
      count(*) FILTER (WHERE h.what = 'post')::int AS posts,
      count(DISTINCT h.user_id) FILTER (WHERE h.what = 'post')::int AS authors,
      count(*) FILTER (WHERE h.what = 'comment')::int AS comments,
      count(DISTINCT h.user_id) FILTER (WHERE h.what = 'comment')::int AS commenters,
      count(*) FILTER (WHERE h.what = 'reaction')::int AS reactions,
      count(DISTINCT h.user_id) FILTER (WHERE h.what = 'reaction')::int AS reactors
    FROM buckets
    LEFT JOIN happened h ON ${localBucketOf(request, sql.ref('h.at'))} = buckets.start
    GROUP BY buckets.start
    ORDER BY buckets.start`.execute(db);
  return rows;
}
