import { columnList, jsonFields } from '@academy/service-kit';
import { sql, type Kysely } from 'kysely';
import { COURSE_SELECT } from './course.repository.js';
import type { Course, LearningDatabase, Lesson, Module } from '../db/database.js';

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

/** A lesson as the outline carries it: with its course, so nothing more is read to authorise its body. */
export type OutlineLesson = Lesson & { course_id: string };
/** A module with its lessons, in order. */
export type OutlineModule = Module & { lessons: OutlineLesson[] };

const MODULE_COLUMNS = columnList<Module>()(['id', 'course_id', 'title', 'position', 'created_at']);
const LESSON_COLUMNS = columnList<Lesson>()(['id', 'module_id', 'title', 'kind', 'position', 'duration_minutes', 'body', 'created_at']);

/** The SQL of a course's outline: its modules, each with its lessons, as one JSON array (empty when none). */
const OUTLINE = sql<unknown>`COALESCE((
  SELECT json_agg(json_build_object(
    ${jsonFields('m', MODULE_COLUMNS)},
    'lessons', COALESCE((
      SELECT json_agg(json_build_object(${jsonFields('l', LESSON_COLUMNS)}, 'course_id', m.course_id) ORDER BY l.position)
      FROM learning.lessons l WHERE l.module_id = m.id
    ), '[]'::json)
  ) ORDER BY m.position)
  FROM learning.modules m WHERE m.course_id = c.id
), '[]'::json)`;

/** JSON has no dates: the outline's timestamps become Dates again, as every other row has them. */
function outlineOf(json: unknown): OutlineModule[] {
  return (json as (Omit<OutlineModule, 'created_at' | 'lessons'> & { created_at: string; lessons: (Omit<OutlineLesson, 'created_at'> & { created_at: string })[] })[]).map(
    (m) => ({ ...m, created_at: new Date(m.created_at), lessons: m.lessons.map((l) => ({ ...l, created_at: new Date(l.created_at) })) }),
  );
}

/** The outlines (modules with their lessons) of courses, in one statement. */
export async function findOutlinesOfCourses(db: Kysely<LearningDatabase>, courseIds: readonly string[]): Promise<{ course_id: string; modules: OutlineModule[] }[]> {
  const { rows } = await sql<{ course_id: string; modules: unknown }>`
    SELECT c.id AS course_id, ${OUTLINE} AS modules FROM learning.courses c WHERE c.id = ANY(${courseIds}::uuid[])
  `.execute(db);
  return rows.map((row) => ({ course_id: row.course_id, modules: outlineOf(row.modules) }));
}

/** Courses by id together with their outlines, in one statement (a course page reads both). */
export async function findCoursesWithOutlines(db: Kysely<LearningDatabase>, ids: readonly string[]): Promise<(Course & { outline: OutlineModule[] })[]> {
  const { rows } = await sql<Course & { outline: unknown }>`
    SELECT ${COURSE_SELECT}, ${OUTLINE} AS outline
    FROM learning.courses c WHERE c.id = ANY(${ids}::uuid[])
  `.execute(db);
  return rows.map((row) => ({ ...row, outline: outlineOf(row.outline) }));
}
