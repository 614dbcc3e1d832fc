import { localBuckets, type CountedBucket, type FigureRequest } from '@academy/service-kit';
import { sql, type Kysely } from 'kysely';
import type { LearningDatabase } from '../db/database.js';

/**
 * New enrollments per bucket over [from, to) with the distinct learners who made them, every
 * bucket present (empty ones 0), oldest first, buckets from local midnight in the request's zone.
 * One statement: the buckets' series, and a left join counting into them.
 */
export async function countEnrollmentsPerBucket(db: Kysely<LearningDatabase>, request: FigureRequest, courseId: string | null): Promise<CountedBucket[]> {
  const { range } = request;
  const { rows } = await sql<CountedBucket>`
    WITH buckets AS (${localBuckets(request)})
    SELECT buckets.start AS bucket, count(e.id)::int AS value, count(DISTINCT e.user_id)::int AS users
    FROM buckets
    LEFT JOIN learning.enrollments e
      ON e.enrolled_at >= greatest(buckets.start, ${range.from}::timestamptz)
     AND e.enrolled_at < least(buckets.stop, ${range.to}::timestamptz)
     AND (${courseId}::uuid IS NULL OR e.course_id = ${courseId}::uuid)
    GROUP BY buckets.start
    ORDER BY buckets.start`.execute(db);
  return rows;
}
