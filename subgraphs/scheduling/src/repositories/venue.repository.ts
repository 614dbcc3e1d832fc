import { sql, type Insertable, type Kysely } from 'kysely';
import type { SchedulingDatabase, Venue } from '../db/database.js';
import type { SchedulingVenues } from '../generated/tables.js';

export async function findActiveVenues(db: Kysely<SchedulingDatabase>): Promise<Venue[]> {
  return db.selectFrom('scheduling.venues').selectAll().where('is_active', '=', true).orderBy('name').execute();
}

export async function findVenuesByIds(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<Venue[]> {
  return db.selectFrom('scheduling.venues').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** Inserts a venue; a taken name raises PostgreSQL's 23505 on venues_name_key. */
export async function insertVenue(db: Kysely<SchedulingDatabase>, values: Insertable<SchedulingVenues>): Promise<Venue> {
  return db.insertInto('scheduling.venues').values(values).returningAll().executeTakeFirstOrThrow();
}
