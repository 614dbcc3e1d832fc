import { sql, type Kysely, type Transaction } from 'kysely';
import type { AiAnalyticsDatabase } from '../db/database.js';

type Db = Kysely<AiAnalyticsDatabase>;
type Trx = Transaction<AiAnalyticsDatabase>;

/** A course as CoursePublished / CourseUpdated describe it. */
export interface CourseChange {
  courseId: string;
  title: string;
  language: string;
  status: 'DRAFT' | 'PUBLISHED' | 'ARCHIVED';
  /** null when the event did not carry topics (older events): the copy keeps what it had. */
  topicIds: string[] | null;
  changedAt: Date;
}

/** Applies a course event to the catalogue copy, unless a newer one has been applied already. */
export async function upsertCatalogueCourse(trx: Trx, change: CourseChange): Promise<void> {
  await trx
    .insertInto('ai_analytics.course_catalogue')
    .values({
      course_id: change.courseId,
      title: change.title,
      language: change.language,
      status: change.status,
      topic_ids: change.topicIds ?? [],
      changed_at: change.changedAt,
    })
    .onConflict((oc) =>
      oc.column('course_id').doUpdateSet({
        title: sql`EXCLUDED.title`,
        language: sql`EXCLUDED.language`,
        status: sql`EXCLUDED.status`,
        topic_ids: change.topicIds === null ? sql`course_catalogue.topic_ids` : sql`EXCLUDED.topic_ids`,
        changed_at: sql`EXCLUDED.changed_at`,
      }).where('excluded.changed_at', '>=', (eb) => eb.ref('ai_analytics.course_catalogue.changed_at')),
    )
    .execute();
}

/**
 * Records that the user has the course. When that is new, in the same transaction: the course's
 * popularity goes up by one, and the course and each other course of the user become co-enrolled
 * once more (both directions). The user's rows are locked first, so two enrollments of one user
 * applied at once still count each pair. Returns whether the enrollment was new.
 */
export async function recordEnrollment(trx: Trx, userId: string, courseId: string, enrolledAt: Date): Promise<boolean> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`ai_analytics.course_enrollments:${userId}`}, 0))`.execute(trx);
  const inserted = await trx
    .insertInto('ai_analytics.course_enrollments')
    .values({ user_id: userId, course_id: courseId, enrolled_at: enrolledAt })
    .onConflict((oc) => oc.doNothing())
    .returning('course_id')
    .executeTakeFirst();
  if (!inserted) return false;
  await trx
    .insertInto('ai_analytics.course_popularity')
    .values({ course_id: courseId, enrollments: 1 })
    .onConflict((oc) => oc.column('course_id').doUpdateSet({ enrollments: sql`course_popularity.enrollments + 1` }))
    .execute();
  await sql`
    INSERT INTO ai_analytics.course_similarity (course_id, similar_course_id, co_enrollments)
    SELECT pair.a, pair.b, 1
    FROM ai_analytics.course_enrollments e
    CROSS JOIN LATERAL (VALUES (${courseId}::uuid, e.course_id), (e.course_id, ${courseId}::uuid)) AS pair (a, b)
    WHERE e.user_id = ${userId} AND e.course_id <> ${courseId}
    ON CONFLICT (course_id, similar_course_id)
    DO UPDATE SET co_enrollments = course_similarity.co_enrollments + 1, updated_at = now()`.execute(trx);
  return true;
}

/**
 * Up to `first` published courses for the user, best first, in one statement: by how many
 * learners took them together with the user's courses, then by topics shared with the user's
 * courses, then in `language` (compared by primary subtag: en matches en-GB; null: the language
 * most of the user's courses are in, else en), then by popularity. Never a course the user has.
 */
export async function recommendCourseIds(db: Db, userId: string, language: string | null, first: number): Promise<string[]> {
  const { rows } = await sql<{ course_id: string }>`
    WITH owned AS (
      SELECT course_id FROM ai_analytics.course_enrollments WHERE user_id = ${userId}
    ), owned_topics AS (
      SELECT DISTINCT t.topic_id FROM owned o
      JOIN ai_analytics.course_catalogue c ON c.course_id = o.course_id
      CROSS JOIN LATERAL unnest(c.topic_ids) AS t (topic_id)
    ), co AS (
      SELECT s.similar_course_id AS course_id, sum(s.co_enrollments) AS n
      FROM owned o JOIN ai_analytics.course_similarity s ON s.course_id = o.course_id
      GROUP BY s.similar_course_id
    ), viewer AS (
      SELECT lower(split_part(coalesce(${language}::text, (
        SELECT c.language FROM owned o JOIN ai_analytics.course_catalogue c ON c.course_id = o.course_id
        GROUP BY c.language ORDER BY count(*) DESC, c.language LIMIT 1
      ), 'en'), '-', 1)) AS language
    )
    SELECT c.course_id
    FROM ai_analytics.course_catalogue c
    CROSS JOIN viewer
    LEFT JOIN co ON co.course_id = c.course_id
    LEFT JOIN ai_analytics.course_popularity p ON p.course_id = c.course_id
    WHERE c.status = 'PUBLISHED'
      AND NOT EXISTS (SELECT 1 FROM owned o WHERE o.course_id = c.course_id)
    ORDER BY coalesce(co.n, 0) DESC,
      (SELECT count(*) FROM unnest(c.topic_ids) AS t (topic_id) WHERE t.topic_id IN (SELECT topic_id FROM owned_topics)) DESC,
      (lower(split_part(c.language, '-', 1)) = viewer.language) DESC,
      coalesce(p.enrollments, 0) DESC,
      c.title, c.course_id
    LIMIT ${first}`.execute(db);
  return rows.map((row) => row.course_id);
}
