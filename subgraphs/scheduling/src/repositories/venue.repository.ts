import { sql, type Kysely } from 'kysely';
import type { SchedulingDatabase, Venue } from '../db/database.js';

export async function findActiveVenues(db: Kysely<SchedulingDatabase>): Promise<Venue[]> {
  return db.selectFrom('scheduling.venues').selectAll().where('is_active', '=', true).orderBy('name').execute();
}

export async function findVenuesByIds(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<Venue[]> {
  return db.selectFrom('scheduling.venues').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}
