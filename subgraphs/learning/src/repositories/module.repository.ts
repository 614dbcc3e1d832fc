import { sql, type Kysely } from 'kysely';
import type { LearningDatabase, Lesson, Module } from '../db/database.js';

export async function findModulesOfCourses(db: Kysely<LearningDatabase>, courseIds: readonly string[]): Promise<Module[]> {
  return db
    .selectFrom('learning.modules')
    .selectAll()
    .where('course_id', '=', sql<string>`ANY(${courseIds}::uuid[])`)
    .orderBy('course_id')
    .orderBy('position')
    .execute();
}

export async function findModulesByIds(db: Kysely<LearningDatabase>, ids: readonly string[]): Promise<Module[]> {
  return db.selectFrom('learning.modules').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

export async function findLessonsOfModules(db: Kysely<LearningDatabase>, moduleIds: readonly string[]): Promise<Lesson[]> {
  return db
    .selectFrom('learning.lessons')
    .selectAll()
    .where('module_id', '=', sql<string>`ANY(${moduleIds}::uuid[])`)
    .orderBy('module_id')
    .orderBy('position')
    .execute();
}

/** Lessons by id, each with the course it belongs to. */
export async function findLessonsByIds(
  db: Kysely<LearningDatabase>,
  ids: readonly string[],
): Promise<(Lesson & { course_id: string })[]> {
  return db
    .selectFrom('learning.lessons as l')
    .innerJoin('learning.modules as m', 'm.id', 'l.module_id')
    .selectAll('l')
    .select('m.course_id')
    .where('l.id', '=', sql<string>`ANY(${ids}::uuid[])`)
    .execute();
}
