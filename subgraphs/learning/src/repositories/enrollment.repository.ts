import { sql, type Kysely } from 'kysely';
import type { Enrollment, LearningDatabase } from '../db/database.js';

/** One user's enrollments in the given courses. */
export async function findEnrollmentsOfUser(
  db: Kysely<LearningDatabase>,
  userId: string,
  courseIds: readonly string[],
): Promise<Enrollment[]> {
  return db
    .selectFrom('learning.enrollments')
    .selectAll()
    .where('user_id', '=', userId)
    .where('course_id', '=', sql<string>`ANY(${courseIds}::uuid[])`)
    .execute();
}

export async function findEnrollmentsByIds(db: Kysely<LearningDatabase>, ids: readonly string[]): Promise<Enrollment[]> {
  return db.selectFrom('learning.enrollments').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}
