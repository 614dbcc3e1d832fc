import { sql, type Kysely } from 'kysely';
import type { CommerceDatabase, Price } from '../db/database.js';

/** The prices of the given courses (courses without a row are free). */
export async function findCoursePrices(db: Kysely<CommerceDatabase>, courseIds: readonly string[]): Promise<Price[]> {
  return db
    .selectFrom('commerce.prices')
    .selectAll()
    .where('course_id', '=', sql<string>`ANY(${courseIds}::uuid[])`)
    .execute();
}
