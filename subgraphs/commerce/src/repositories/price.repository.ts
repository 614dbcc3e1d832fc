import { sql, type Kysely } from 'kysely';
import type { CommerceDatabase, CoursePrice, Price } from '../db/database.js';

/** The prices of the given courses (courses without a row are free). */
export async function findCoursePrices(db: Kysely<CommerceDatabase>, courseIds: readonly string[]): Promise<CoursePrice[]> {
  return db
    .selectFrom('commerce.prices')
    .selectAll()
    .where('course_id', '=', sql<string>`ANY(${courseIds}::uuid[])`)
    .$narrowType<{ course_id: string }>()
    .execute();
}

/**
 * Takes the course's price lock until the transaction ends, and answers the time then: changes
 * of one course's price follow each other, each stamped later than the one before it committed.
 */
export async function lockCoursePrice(db: Kysely<CommerceDatabase>, courseId: string): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`
    SELECT clock_timestamp() AS now FROM (SELECT pg_advisory_xact_lock(hashtextextended('commerce.course_price:' || ${courseId}, 0))) AS locked
  `.execute(db);
  return rows[0]!.now;
}

/** Sets a course's price (inserting or replacing its row), stamped `at`. */
export async function upsertCoursePrice(
  db: Kysely<CommerceDatabase>,
  price: { courseId: string; amountMinor: number; currency: string; at: Date },
): Promise<CoursePrice> {
  const { rows } = await sql<CoursePrice>`
    INSERT INTO commerce.prices (course_id, amount_minor, currency, created_at, updated_at)
    VALUES (${price.courseId}::uuid, ${price.amountMinor}, ${price.currency}, ${price.at}, ${price.at})
    ON CONFLICT (course_id) WHERE course_id IS NOT NULL
    DO UPDATE SET amount_minor = excluded.amount_minor, currency = excluded.currency, updated_at = excluded.updated_at
    RETURNING *`.execute(db);
  return rows[0]!;
}

/** Removes a course's price: the course is free. */
export async function deleteCoursePrice(db: Kysely<CommerceDatabase>, courseId: string): Promise<void> {
  await db.deleteFrom('commerce.prices').where('course_id', '=', courseId).execute();
}

/** The price a seat of each given session costs: the session's own row, else its course's. */
export async function findSessionPrices(
  db: Kysely<CommerceDatabase>,
  sessions: readonly { sessionId: string; courseId: string }[],
): Promise<(Price & { for_session_id: string; for_course_id: string })[]> {
  const { rows } = await sql<Price & { for_session_id: string; for_course_id: string }>`
    SELECT DISTINCT ON (s.session_id, s.course_id) p.*, s.session_id AS for_session_id, s.course_id AS for_course_id
    FROM unnest(${sessions.map((s) => s.sessionId)}::uuid[], ${sessions.map((s) => s.courseId)}::uuid[]) AS s (session_id, course_id)
    JOIN commerce.prices p ON p.session_id = s.session_id OR p.course_id = s.course_id
    ORDER BY s.session_id, s.course_id, (p.session_id IS NULL)`.execute(db);
  return rows;
}
