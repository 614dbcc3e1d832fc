import { keysetPage, type TimestampCursor } from '@academy/service-kit';
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { SchedulingDatabase, TrainingSession, TrainingSessionFilter, Venue } from '../db/database.js';

/** What upcoming sessions are listed by. */
export type SessionOwner = 'course' | 'venue' | 'trainer';

const OWNER_COLUMN = { course: 'course_id', venue: 'venue_id', trainer: 'trainer_id' } as const satisfies Record<SessionOwner, keyof TrainingSession>;

/** A session row with its venue, read in the same statement. */
export type SessionWithVenue = TrainingSession & { venue: Venue | null };

/**
 * The next `limit` sessions open for registration of each owner (course, venue or trainer),
 * soonest first, with their venues, in one statement for any number of owners.
 */
export async function findUpcomingSessions(
  db: Kysely<SchedulingDatabase>,
  owner: SessionOwner,
  ownerIds: readonly string[],
  limit: number,
): Promise<(SessionWithVenue & { owner_id: string })[]> {
  const rows = await db
    .selectFrom(db.selectNoFrom(sql<string>`unnest(${ownerIds}::uuid[])`.as('owner_id')).as('k'))
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('scheduling.training_sessions as s')
          .selectAll('s')
          .whereRef(`s.${OWNER_COLUMN[owner]}`, '=', 'k.owner_id')
          .where('s.starts_at', '>', sql<Date>`now()`)
          .where('s.status', 'in', ['SCHEDULED', 'CONFIRMED'])
          .orderBy('s.starts_at')
          .orderBy('s.id')
          .limit(limit)
          .as('s'),
      (join) => join.onTrue(),
    )
    .select('k.owner_id')
    .selectAll('s')
    .select((eb) => jsonObjectFrom(eb.selectFrom('scheduling.venues as v').selectAll('v').whereRef('v.id', '=', 's.venue_id')).as('venue'))
    .orderBy('k.owner_id')
    .orderBy('s.starts_at')
    .orderBy('s.id')
    .execute();
  // The venue comes as JSON, its timestamp as text.
  return rows.map((row) => ({ ...row, venue: row.venue ? { ...row.venue, created_at: new Date(row.venue.created_at) } : null }));
}

export async function findSessionsByIds(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<TrainingSession[]> {
  return db.selectFrom('scheduling.training_sessions').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** The session filter once validated: every field given, null where it does not filter. */
export type SessionFilter = { [K in keyof TrainingSessionFilter]-?: Exclude<TrainingSessionFilter[K], undefined> };

export interface SessionPageQuery {
  filter: SessionFilter;
  limit: number;
  after: TimestampCursor | null;
}

const SORT_COLUMN = 'starts_at' satisfies keyof TrainingSession;

/** A page of sessions by start time, the exact total and whether earlier rows exist; one statement. */
export async function findSessionPage(
  db: Kysely<SchedulingDatabase>,
  query: SessionPageQuery,
): Promise<{ rows: (TrainingSession & { starts_at_key: string })[]; totalCount: number; hasPreviousPage: boolean }> {
  const f = query.filter;
  const filtered = db
    .selectFrom('scheduling.training_sessions')
    .selectAll()
    // The start as PostgreSQL prints it, microseconds kept: the cursor pages on it exactly.
    .select((eb) => sql<string>`${eb.ref(SORT_COLUMN)}::text`.as('starts_at_key'))
    .where((eb) => {
      const conditions: Expression<SqlBool>[] = [];
      if (f.courseId) conditions.push(eb('course_id', '=', f.courseId));
      if (f.venueId) conditions.push(eb('venue_id', '=', f.venueId));
      if (f.trainerId) conditions.push(eb('trainer_id', '=', f.trainerId));
      if (f.from) conditions.push(eb('starts_at', '>=', f.from));
      if (f.to) conditions.push(eb('starts_at', '<', f.to));
      if (f.status) conditions.push(eb('status', '=', f.status));
      if (f.hasSeats === true) conditions.push(eb('seats_taken', '<', eb.ref('capacity')));
      if (f.hasSeats === false) conditions.push(eb('seats_taken', '>=', eb.ref('capacity')));
      return eb.and(conditions);
    });
  return keysetPage<TrainingSession & { starts_at_key: string }>(db, {
    filtered: sql`${filtered}`,
    sortColumn: SORT_COLUMN,
    after: query.after ? sql`(${query.after[0]}::timestamptz, ${query.after[1]}::uuid)` : null,
    limit: query.limit,
  });
}
