import { sql, type Kysely } from 'kysely';
import type { CommerceDatabase, CoursePrice } from '../db/database.js';

/** The prices of the given courses (courses without a row are free). */
export async function findCoursePrices(db: Kysely<CommerceDatabase>, courseIds: readonly string[]): Promise<CoursePrice[]> {
  return db
    .selectFrom('commerce.prices')
    .selectAll()
    .where('course_id', '=', sql<string>`ANY(${courseIds}::uuid[])`)
    .$narrowType<{ course_id: string }>()
    .execute();
}
