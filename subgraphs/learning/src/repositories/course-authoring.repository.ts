// The statements of course authoring. Each takes the transaction of its service call.
import { sql, type Transaction } from 'kysely';
import type { Course, CourseUpdate, LearningDatabase, Lesson, Module, NewCourse } from '../db/database.js';
import { COURSE_COLUMNS } from './course.repository.js';

type Trx = Transaction<LearningDatabase>;

/** Inserts a course; a taken slug raises PostgreSQL's 23505 on courses_slug_key. */
export function insertCourse(trx: Trx, course: NewCourse): Promise<Course> {
  return trx.insertInto('learning.courses').values(course).returning(COURSE_COLUMNS).executeTakeFirstOrThrow();
}

/** The course, locked against concurrent authoring until the transaction ends. */
export function lockCourse(trx: Trx, id: string): Promise<Course | undefined> {
  return trx.selectFrom('learning.courses').select(COURSE_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Changes a course and stamps updated_at. */
export function updateCourseRow(trx: Trx, id: string, changes: CourseUpdate): Promise<Course> {
  return trx
    .updateTable('learning.courses')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returning(COURSE_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Replaces a course's topics. */
export async function replaceCourseTopics(trx: Trx, courseId: string, topicIds: readonly string[]): Promise<void> {
  await trx.deleteFrom('learning.course_topics').where('course_id', '=', courseId).execute();
  if (topicIds.length) await trx.insertInto('learning.course_topics').values(topicIds.map((topic_id) => ({ course_id: courseId, topic_id }))).execute();
}

/** The ids of a course's topics. */
export async function listCourseTopicIds(trx: Trx, courseId: string): Promise<string[]> {
  const rows = await trx.selectFrom('learning.course_topics').select('topic_id').where('course_id', '=', courseId).orderBy('topic_id').execute();
  return rows.map((row) => row.topic_id);
}

/** How many of `ids` are topics. */
export async function countTopics(trx: Trx, ids: readonly string[]): Promise<number> {
  const row = await trx.selectFrom('learning.topics').select(sql<number>`count(*)::int`.as('n')).where('id', '=', sql<string>`ANY(${ids}::uuid[])`).executeTakeFirstOrThrow();
  return row.n;
}

/** Number of lessons in a course. */
export async function countCourseLessons(trx: Trx, courseId: string): Promise<number> {
  const row = await trx
    .selectFrom('learning.lessons as l')
    .innerJoin('learning.modules as m', 'm.id', 'l.module_id')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('m.course_id', '=', courseId)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Appends a module after the course's last one (the caller holds the course's lock). */
export function appendModule(trx: Trx, courseId: string, title: string): Promise<Module> {
  return trx
    .insertInto('learning.modules')
    .values({
      course_id: courseId,
      title,
      position: sql`(SELECT coalesce(max(position), 0) + 1 FROM learning.modules WHERE course_id = ${courseId})`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Appends a lesson after the module's last one (the caller holds the module's lock). */
export function appendLesson(
  trx: Trx,
  lesson: { module_id: string; title: string; kind: Lesson['kind']; duration_minutes: number | null; body: string | null },
): Promise<Lesson> {
  return trx
    .insertInto('learning.lessons')
    .values({ ...lesson, position: sql`(SELECT coalesce(max(position), 0) + 1 FROM learning.lessons WHERE module_id = ${lesson.module_id})` })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A module, locked. */
export function lockModule(trx: Trx, id: string): Promise<Module | undefined> {
  return trx.selectFrom('learning.modules').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The module a lesson belongs to, or undefined. */
export async function moduleIdOfLesson(trx: Trx, lessonId: string): Promise<string | undefined> {
  const row = await trx.selectFrom('learning.lessons').select('module_id').where('id', '=', lessonId).executeTakeFirst();
  return row?.module_id;
}

/** The course a module belongs to, or undefined. */
export async function courseIdOfModule(trx: Trx, moduleId: string): Promise<string | undefined> {
  const row = await trx.selectFrom('learning.modules').select('course_id').where('id', '=', moduleId).executeTakeFirst();
  return row?.course_id;
}

/**
 * Moves one row of `table` to `to` among the rows sharing its parent, shifting those between by
 * one: one statement, checked against the deferrable unique (parent, position) at its end.
 */
async function moveWithin(trx: Trx, table: 'modules' | 'lessons', parentColumn: 'course_id' | 'module_id', id: string, to: number): Promise<void> {
  const t = sql.id('learning', table);
  const parent = sql.ref(parentColumn);
  await sql`
    UPDATE ${t} AS r SET position = CASE
        WHEN r.id = ${id} THEN ${to}::int
        WHEN m.position < ${to}::int THEN r.position - 1
        ELSE r.position + 1 END
    FROM (SELECT ${parent} AS parent, position FROM ${t} WHERE id = ${id}) m
    WHERE ${sql.ref(`r.${parentColumn}`)} = m.parent
      AND r.position BETWEEN least(m.position, ${to}::int) AND greatest(m.position, ${to}::int)
  `.execute(trx);
}

/** Number of modules of a course. */
export async function countModules(trx: Trx, courseId: string): Promise<number> {
  const row = await trx.selectFrom('learning.modules').select(sql<number>`count(*)::int`.as('n')).where('course_id', '=', courseId).executeTakeFirstOrThrow();
  return row.n;
}

/** Number of lessons of a module. */
export async function countModuleLessons(trx: Trx, moduleId: string): Promise<number> {
  const row = await trx.selectFrom('learning.lessons').select(sql<number>`count(*)::int`.as('n')).where('module_id', '=', moduleId).executeTakeFirstOrThrow();
  return row.n;
}

/** Moves a module within its course (the caller holds the course's lock) and returns it. */
export async function moveModuleTo(trx: Trx, id: string, to: number): Promise<Module> {
  await moveWithin(trx, 'modules', 'course_id', id, to);
  return trx.selectFrom('learning.modules').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Moves a lesson within its module (the caller holds the module's lock) and returns it. */
export async function moveLessonTo(trx: Trx, id: string, to: number): Promise<Lesson> {
  await moveWithin(trx, 'lessons', 'module_id', id, to);
  return trx.selectFrom('learning.lessons').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
