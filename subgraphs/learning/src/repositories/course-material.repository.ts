// The statements of course materials. Changes take the transaction of their service call, which
// holds the course's lock: positions stay 1..n per course.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CourseMaterial, CourseMaterialUpdate, LearningDatabase, NewCourseMaterial } from '../db/database.js';

type Trx = Transaction<LearningDatabase>;

/** The materials of the given courses, each course's in position order. */
export function findMaterialsOfCourses(db: Kysely<LearningDatabase>, courseIds: readonly string[]): Promise<CourseMaterial[]> {
  return db
    .selectFrom('learning.course_materials')
    .selectAll()
    .where('course_id', '=', sql<string>`ANY(${courseIds}::uuid[])`)
    .orderBy('course_id')
    .orderBy('position')
    .execute();
}

/** The course a material belongs to, or undefined. */
export async function courseIdOfMaterial(trx: Trx, id: string): Promise<string | undefined> {
  const row = await trx.selectFrom('learning.course_materials').select('course_id').where('id', '=', id).executeTakeFirst();
  return row?.course_id;
}

/** A material, read again under its course's lock. */
export function findMaterial(trx: Trx, id: string): Promise<CourseMaterial | undefined> {
  return trx.selectFrom('learning.course_materials').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Appends a material after the course's last one. */
export function appendMaterial(trx: Trx, material: Omit<NewCourseMaterial, 'position'>): Promise<CourseMaterial> {
  return trx
    .insertInto('learning.course_materials')
    .values({
      ...material,
      position: sql<number>`(SELECT coalesce(max(position), 0) + 1 FROM learning.course_materials WHERE course_id = ${material.course_id})`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Changes a material, raising its version by one when `newVersion`, and stamps updated_at. */
export function updateMaterialRow(trx: Trx, id: string, changes: CourseMaterialUpdate, newVersion: boolean): Promise<CourseMaterial> {
  return trx
    .updateTable('learning.course_materials')
    .set({ ...changes, ...(newVersion ? { version: sql<number>`version + 1` } : {}), updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Number of materials of a course. */
export async function countMaterials(trx: Trx, courseId: string): Promise<number> {
  const row = await trx
    .selectFrom('learning.course_materials')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('course_id', '=', courseId)
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Moves a material to `to` among its course's, shifting those between by one: one statement,
 * checked against the deferrable unique (course, position) at its end. Returns the material.
 */
export async function moveMaterialTo(trx: Trx, id: string, to: number): Promise<CourseMaterial> {
  await sql`
    UPDATE learning.course_materials AS r SET position = CASE
        WHEN r.id = ${id} THEN ${to}::int
        WHEN m.position < ${to}::int THEN r.position - 1
        ELSE r.position + 1 END,
      updated_at = CASE WHEN r.id = ${id} THEN now() ELSE r.updated_at END
    FROM (SELECT course_id, position FROM learning.course_materials WHERE id = ${id}) m
    WHERE r.course_id = m.course_id
      AND r.position BETWEEN least(m.position, ${to}::int) AND greatest(m.position, ${to}::int)
  `.execute(trx);
  return trx.selectFrom('learning.course_materials').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Deletes a material and closes the gap behind it, in one statement. */
export async function deleteMaterial(trx: Trx, id: string): Promise<void> {
  await sql`
    WITH gone AS (DELETE FROM learning.course_materials WHERE id = ${id} RETURNING course_id, position)
    UPDATE learning.course_materials AS r SET position = r.position - 1
    FROM gone WHERE r.course_id = gone.course_id AND r.position > gone.position
  `.execute(trx);
}
