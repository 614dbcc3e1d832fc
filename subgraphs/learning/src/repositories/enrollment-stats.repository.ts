import { sql, type Kysely } from 'kysely';
import type { LearningDatabase } from '../db/database.js';

/** A bucket size that date_trunc and interval both understand. */
export type BucketUnit = 'day' | 'week' | 'month';

/**
 * New enrollments per UTC bucket over [from, to), every bucket present (empty ones count 0), oldest first.
 * One statement: generate_series makes the buckets, a left join counts into them.
 */
export async function countEnrollmentsPerBucket(
  db: Kysely<LearningDatabase>,
  range: { from: Date; to: Date },
  unit: BucketUnit,
  courseId: string | null,
): Promise<{ bucket: Date; value: number }[]> {
  const step = `1 ${unit}`;
  // Buckets are cut in UTC whatever the session's time zone; week is ISO (Monday) as date_trunc has it.
  const { rows } = await sql<{ bucket: Date; value: number }>`
    WITH buckets AS (
      SELECT b AT TIME ZONE 'UTC' AS start, (b + ${step}::interval) AT TIME ZONE 'UTC' AS stop
      FROM generate_series(
        date_trunc(${unit}, ${range.from}::timestamptz AT TIME ZONE 'UTC'),
        date_trunc(${unit}, (${range.to}::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC'),
        ${step}::interval
      ) AS b
    )
    SELECT buckets.start AS bucket, count(e.id)::int AS value
    FROM buckets
    LEFT JOIN learning.enrollments e
      ON e.enrolled_at >= greatest(buckets.start, ${range.from}::timestamptz)
     AND e.enrolled_at < least(buckets.stop, ${range.to}::timestamptz)
     AND (${courseId}::uuid IS NULL OR e.course_id = ${courseId}::uuid)
    GROUP BY buckets.start
    ORDER BY buckets.start`.execute(db);
  return rows;
}
