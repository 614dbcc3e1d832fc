import { localBucketOf, localBuckets, type CountedBucket, type FigureRequest } from '@academy/service-kit';
import { sql, type Kysely } from 'kysely';
import type { LearningDatabase } from '../db/database.js';

/**
 * New enrollments per bucket over [from, to) with the distinct learners who made them, every
 * bucket present (empty ones 0), oldest first, buckets from local midnight in the request's zone.
 * One statement: the buckets' series, and the enrollments in range joined to their bucket's start.
 */
export async function countEnrollmentsPerBucket(db: Kysely<LearningDatabase>, request: FigureRequest, courseId: string | null): Promise<CountedBucket[]> {
  const { range } = request;
  const { rows } = await sql<CountedBucket>`
    WITH buckets AS (${localBuckets(request)}),
    enrolled AS (
      SELECT id, user_id, enrolled_at FROM learning.enrollments
      WHERE enrolled_at >= ${range.from}::timestamptz AND enrolled_at < ${range.to}::timestamptz
        AND (${courseId}::uuid IS NULL OR course_id = ${courseId}::uuid)
    )
    SELECT buckets.start AS bucket, count(enrolled.id)::int AS value, count(DISTINCT enrolled.user_id)::int AS users
    FROM buckets
    LEFT JOIN enrolled ON ${localBucketOf(request, sql.ref('enrolled.enrolled_at'))} = buckets.start
    GROUP BY buckets.start
    ORDER BY buckets.start`.execute(db);
  return rows;
}
