import { keysetPage, type TimestampCursor } from '@academy/service-kit';
import { sql, type Expression, type Insertable, type Kysely, type SqlBool } from 'kysely';
import type { SchedulingDatabase, SessionTopic, TrainingSession, TrainingSessionFilter, Venue } from '../db/database.js';
import type { SchedulingSessionTopics, SchedulingTrainingSessions } from '../generated/tables.js';

/** What upcoming sessions are listed by. */
export type SessionOwner = 'course' | 'venue' | 'trainer';

const OWNER_COLUMN = { course: 'course_id', venue: 'venue_id', trainer: 'trainer_id' } as const satisfies Record<SessionOwner, keyof TrainingSession>;

/** A session row with its venue, read in the same statement. */
export type SessionWithVenue = TrainingSession & { venue: Venue | null };

/** A venue as `to_jsonb` reads it: its timestamp as text. */
type VenueJson = Omit<Venue, 'created_at'> & { created_at: string };

/** Statuses of sessions still open for registration. */
const OPEN_STATUSES: TrainingSession['status'][] = ['SCHEDULED', 'CONFIRMED'];

/** A column of the alias `s` (sessions) or `v` (venues), its name checked against the row type. */
const session = (column: keyof TrainingSession & string) => sql.ref(`s.${column}`);
const venue = (column: keyof Venue & string) => sql.ref(`v.${column}`);

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
  // Written as one statement rather than with the query builder: it runs on every course page,
  // and building it took a tenth of the fetch's CPU. Its column names are checked all the same.
  const { rows } = await sql<TrainingSession & { owner_id: string; venue: VenueJson | null }>`
    SELECT k.id AS owner_id, s.*, to_jsonb(v) AS venue
    FROM unnest(${ownerIds}::uuid[]) AS k(id)
    CROSS JOIN LATERAL (
      SELECT * FROM scheduling.training_sessions s
      WHERE ${session(OWNER_COLUMN[owner])} = k.id AND ${session('starts_at')} > now() AND ${session('status')} IN (${sql.join(OPEN_STATUSES.map((status) => sql.lit(status)))})
      ORDER BY ${session('starts_at')}, ${session('id')}
      LIMIT ${limit}
    ) s
    LEFT JOIN scheduling.venues v ON ${venue('id')} = ${session('venue_id')}
    ORDER BY k.id, ${session('starts_at')}, ${session('id')}`.execute(db);
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

/**
 * Inserts a session. Overlapping another session of its trainer or at its venue raises
 * PostgreSQL's 23P01 on training_sessions_trainer_overlap_excl or training_sessions_venue_overlap_excl.
 */
export async function insertSession(db: Kysely<SchedulingDatabase>, values: Insertable<SchedulingTrainingSessions>): Promise<TrainingSession> {
  return db.insertInto('scheduling.training_sessions').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function insertSessionTopics(db: Kysely<SchedulingDatabase>, rows: Insertable<SchedulingSessionTopics>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('scheduling.session_topics').values(rows).execute();
}

/** The topics of many sessions, each session's in position order. */
export async function findTopicsOfSessions(db: Kysely<SchedulingDatabase>, sessionIds: readonly string[]): Promise<SessionTopic[]> {
  return db
    .selectFrom('scheduling.session_topics')
    .selectAll()
    .where('session_id', '=', sql<string>`ANY(${sessionIds}::uuid[])`)
    .orderBy('session_id')
    .orderBy('position')
    .execute();
}

/** The session, locked until the transaction ends. */
export async function lockSession(db: Kysely<SchedulingDatabase>, id: string): Promise<TrainingSession | undefined> {
  return db.selectFrom('scheduling.training_sessions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Marks a session CANCELLED now with its reason; it then holds neither its trainer nor its venue. */
export async function markSessionCancelled(db: Kysely<SchedulingDatabase>, id: string, reason: string): Promise<TrainingSession> {
  return db
    .updateTable('scheduling.training_sessions')
    .set({ status: 'CANCELLED', cancellation_reason: reason, cancelled_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
