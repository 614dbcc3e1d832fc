import { keysetPage } from '@academy/service-kit';
import { sql, type Kysely } from 'kysely';
import type { SchedulingDatabase, SessionStatus, TrainingSession, Venue } from '../db/database.js';

/** What upcoming sessions are listed by. */
export type SessionOwner = 'course' | 'venue' | 'trainer';

const OWNER_COLUMN: Record<SessionOwner, string> = { course: 'course_id', venue: 'venue_id', trainer: 'trainer_id' };

/** A session row with its venue, read in the same statement. */
export type SessionWithVenue = TrainingSession & { venue: Venue | null };

interface VenueJson extends Omit<Venue, 'created_at'> {
  created_at: string;
}

const withVenue = (row: TrainingSession & { venue: VenueJson | null }): SessionWithVenue => ({
  ...row,
  venue: row.venue ? { ...row.venue, created_at: new Date(row.venue.created_at) } : null,
});

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
  const column = sql.ref(`s.${OWNER_COLUMN[owner]}`);
  const result = await sql<TrainingSession & { owner_id: string; venue: VenueJson | null }>`
    SELECT k.id AS owner_id, s.*, to_jsonb(v) AS venue
    FROM unnest(${ownerIds}::uuid[]) AS k(id)
    CROSS JOIN LATERAL (
      SELECT * FROM scheduling.training_sessions s
      WHERE ${column} = k.id AND s.starts_at > now() AND s.status IN ('SCHEDULED', 'CONFIRMED')
      ORDER BY s.starts_at, s.id
      LIMIT ${limit}
    ) s
    LEFT JOIN scheduling.venues v ON v.id = s.venue_id
    ORDER BY k.id, s.starts_at, s.id`.execute(db);
  return result.rows.map((row) => ({ ...withVenue(row), owner_id: row.owner_id }));
}

export async function findSessionsByIds(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<TrainingSession[]> {
  return db.selectFrom('scheduling.training_sessions').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

export interface SessionFilter {
  courseId?: string | null;
  venueId?: string | null;
  trainerId?: string | null;
  from?: Date | null;
  to?: Date | null;
  status?: SessionStatus | null;
  hasSeats?: boolean | null;
}

export type SessionCursor = [string, string];

/** A page of sessions by start time, the exact total and whether earlier rows exist; one statement. */
export async function findSessionPage(
  db: Kysely<SchedulingDatabase>,
  query: { filter: SessionFilter; limit: number; after: SessionCursor | null },
): Promise<{ rows: (TrainingSession & { starts_at_key: string })[]; totalCount: number; hasPreviousPage: boolean }> {
  const f = query.filter;
  const conditions = [sql`true`];
  if (f.courseId) conditions.push(sql`s.course_id = ${f.courseId}`);
  if (f.venueId) conditions.push(sql`s.venue_id = ${f.venueId}`);
  if (f.trainerId) conditions.push(sql`s.trainer_id = ${f.trainerId}`);
  if (f.from) conditions.push(sql`s.starts_at >= ${f.from}`);
  if (f.to) conditions.push(sql`s.starts_at < ${f.to}`);
  if (f.status) conditions.push(sql`s.status = ${f.status}`);
  if (f.hasSeats === true) conditions.push(sql`s.seats_taken < s.capacity`);
  if (f.hasSeats === false) conditions.push(sql`s.seats_taken >= s.capacity`);
  return keysetPage<TrainingSession & { starts_at_key: string }>(db, {
    filtered: sql`SELECT s.*, s.starts_at::text AS starts_at_key FROM scheduling.training_sessions s WHERE ${sql.join(conditions, sql` AND `)}`,
    sortColumn: 'starts_at',
    after: query.after ? sql`(${query.after[0]}::timestamptz, ${query.after[1]}::uuid)` : null,
    limit: query.limit,
  });
}
