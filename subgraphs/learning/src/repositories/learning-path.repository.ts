import { sql, type Kysely } from 'kysely';
import type { Course, LearningDatabase, LearningPath } from '../db/database.js';
import { COURSE_SELECT } from './course.repository.js';

/** Published learning paths, by name. */
export async function findPublishedPaths(db: Kysely<LearningDatabase>): Promise<LearningPath[]> {
  return db.selectFrom('learning.learning_paths').selectAll().where('status', '=', 'PUBLISHED').orderBy('name').orderBy('id').execute();
}

/**
 * The published courses of each path in path order, each marked whether `userId` completed it
 * (always false without a user), in one statement.
 */
export async function findPathCourses(
  db: Kysely<LearningDatabase>,
  pathIds: readonly string[],
  userId: string | null,
): Promise<(Course & { path_id: string; completed: boolean })[]> {
  const { rows } = await sql<Course & { path_id: string; completed: boolean }>`
    SELECT pc.path_id, ${COURSE_SELECT},
      EXISTS (
        SELECT 1 FROM learning.enrollments e
        WHERE e.course_id = c.id AND e.user_id = ${userId}::uuid AND e.status = 'COMPLETED'
      ) AS completed
    FROM learning.learning_path_courses pc
    JOIN learning.courses c ON c.id = pc.course_id AND c.status = 'PUBLISHED'
    WHERE pc.path_id = ANY(${pathIds}::uuid[])
    ORDER BY pc.path_id, pc.position`.execute(db);
  return rows;
}
