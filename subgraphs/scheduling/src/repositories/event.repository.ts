import { sql, type Insertable, type Kysely } from 'kysely';
import type { Event, SchedulingDatabase } from '../db/database.js';
import type { SchedulingEvents } from '../generated/tables.js';

/** Events soonest first: every one, or only those not yet over and not cancelled. */
export async function findEvents(db: Kysely<SchedulingDatabase>, upcomingOnly: boolean): Promise<Event[]> {
  let query = db.selectFrom('scheduling.events').selectAll();
  if (upcomingOnly) query = query.where('status', '<>', 'CANCELLED').where('ends_at', '>', sql<Date>`now()`);
  return query.orderBy('starts_at').orderBy('id').execute();
}

export async function findEventBySlug(db: Kysely<SchedulingDatabase>, slug: string): Promise<Event | undefined> {
  return db.selectFrom('scheduling.events').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findEventsByIds(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<Event[]> {
  return db.selectFrom('scheduling.events').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** Slugs equal to `base` or `base-<digits>`. */
export async function findEventSlugsLike(db: Kysely<SchedulingDatabase>, base: string): Promise<string[]> {
  const rows = await db
    .selectFrom('scheduling.events')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', '~', `^${base}-[0-9]+$`)]))
    .execute();
  return rows.map((r) => r.slug);
}

/** Inserts an event; a taken slug raises PostgreSQL's 23505 on events_slug_key. */
export async function insertEvent(db: Kysely<SchedulingDatabase>, values: Insertable<SchedulingEvents>): Promise<Event> {
  return db.insertInto('scheduling.events').values(values).returningAll().executeTakeFirstOrThrow();
}
