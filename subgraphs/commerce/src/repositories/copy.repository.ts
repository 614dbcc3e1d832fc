// Commerce's copies of other domains' facts, written only by its event consumers.
import { sql, type Kysely } from 'kysely';
import type { CommerceDatabase, SeatHold } from '../db/database.js';

type Db = Kysely<CommerceDatabase>;

/** Records a scheduled session (a replay or a late duplicate changes nothing but the row's values). */
export async function upsertSession(db: Db, s: { id: string; courseId: string; startsAt: Date; endsAt: Date }): Promise<void> {
  await db
    .insertInto('commerce.sessions')
    .values({ id: s.id, course_id: s.courseId, starts_at: s.startsAt, ends_at: s.endsAt, status: 'SCHEDULED' })
    .onConflict((oc) => oc.column('id').doUpdateSet({ course_id: s.courseId, starts_at: s.startsAt, ends_at: s.endsAt, updated_at: sql`now()` }))
    .execute();
}

/** Marks a session cancelled (recording it if the copy had not got it). */
export async function cancelSession(db: Db, s: { id: string; courseId: string }): Promise<void> {
  await sql`
    INSERT INTO commerce.sessions (id, course_id, starts_at, ends_at, status)
    VALUES (${s.id}::uuid, ${s.courseId}::uuid, now(), now(), 'CANCELLED')
    ON CONFLICT (id) DO UPDATE SET status = 'CANCELLED', updated_at = now()`.execute(db);
}

/** Records a seat held for payment. A hold already past HELD (its later event came first) keeps its status. */
export async function upsertSeatHold(
  db: Db,
  h: { registrationId: string; sessionId: string; userId: string; courseId: string; holdExpiresAt: Date },
): Promise<void> {
  await db
    .insertInto('commerce.seat_holds')
    .values({ registration_id: h.registrationId, session_id: h.sessionId, user_id: h.userId, course_id: h.courseId, hold_expires_at: h.holdExpiresAt, status: 'HELD' })
    .onConflict((oc) => oc.column('registration_id').doUpdateSet({ hold_expires_at: h.holdExpiresAt }))
    .execute();
}

/** Records that a registration left the HELD state (confirmed, cancelled, expired). */
export async function setSeatHoldStatus(
  db: Db,
  h: { registrationId: string; sessionId: string; userId: string; courseId: string; status: SeatHold['status']; at: Date },
): Promise<void> {
  await db
    .insertInto('commerce.seat_holds')
    .values({ registration_id: h.registrationId, session_id: h.sessionId, user_id: h.userId, course_id: h.courseId, hold_expires_at: h.at, status: h.status, updated_at: h.at })
    .onConflict((oc) => oc.column('registration_id').doUpdateSet({ status: h.status, updated_at: h.at }))
    .execute();
}

/** A seat hold of commerce's copy, locked for the rest of the transaction when `forUpdate`. */
export async function findSeatHold(db: Db, registrationId: string, forUpdate = false): Promise<SeatHold | undefined> {
  let query = db.selectFrom('commerce.seat_holds').selectAll().where('registration_id', '=', registrationId);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Records an event of scheduling's (its organizer decides on its tickets). */
export async function upsertEvent(db: Db, e: { id: string; slug: string; name: string; organizerId: string; startsAt: Date; endsAt: Date }): Promise<void> {
  const values = { slug: e.slug, name: e.name, organizer_id: e.organizerId, starts_at: e.startsAt, ends_at: e.endsAt };
  await db
    .insertInto('commerce.events')
    .values({ id: e.id, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

/** An event of commerce's copy. */
export function findEvent(db: Db, id: string) {
  return db.selectFrom('commerce.events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The given events of commerce's copy. */
export function findEventsByIds(db: Db, ids: readonly string[]) {
  return db.selectFrom('commerce.events').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** Records a course's title; the newest `at` wins whatever order events arrive in. */
export async function upsertCourseTitle(db: Db, c: { id: string; title: string; at: Date }): Promise<void> {
  await sql`
    INSERT INTO commerce.courses (id, title, updated_at) VALUES (${c.id}::uuid, ${c.title}, ${c.at})
    ON CONFLICT (id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at
    WHERE commerce.courses.updated_at <= excluded.updated_at`.execute(db);
}

/** The titles of the given courses that commerce's copy knows. */
export function findCourseTitles(db: Db, ids: readonly string[]) {
  return db.selectFrom('commerce.courses').select(['id', 'title']).where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}
