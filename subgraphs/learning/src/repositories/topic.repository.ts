import { sql, type Kysely } from 'kysely';
import type { LearningDatabase, Topic } from '../db/database.js';

export async function findAllTopics(db: Kysely<LearningDatabase>): Promise<Topic[]> {
  return db.selectFrom('learning.topics').selectAll().orderBy('name').execute();
}

export async function findTopicsByIds(db: Kysely<LearningDatabase>, ids: readonly string[]): Promise<Topic[]> {
  return db.selectFrom('learning.topics').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** The topics of each course, by name. */
export async function findTopicsOfCourses(
  db: Kysely<LearningDatabase>,
  courseIds: readonly string[],
): Promise<(Topic & { course_id: string })[]> {
  return db
    .selectFrom('learning.course_topics as ct')
    .innerJoin('learning.topics as t', 't.id', 'ct.topic_id')
    .select(['ct.course_id', 't.id', 't.name', 't.description', 't.created_at'])
    .where('ct.course_id', '=', sql<string>`ANY(${courseIds}::uuid[])`)
    .orderBy('t.name')
    .execute();
}
