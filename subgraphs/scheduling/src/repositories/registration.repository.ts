import { sql, type Kysely } from 'kysely';
import type { Registration, RegistrationStatus, SchedulingDatabase, SpecialRequirement, TrainingSession } from '../db/database.js';
import type { Insertable } from 'kysely';
import type { SchedulingRegistrationRequirements, SchedulingRegistrations } from '../generated/tables.js';

/** A registration with its session's course, as events about it need. */
export type RegistrationWithCourse = Registration & { course_id: string };

/** Statuses that hold a seat: counted in training_sessions.seats_taken, one per user and session. */
export const LIVE_STATUSES = ['PENDING_PAYMENT', 'CONFIRMED', 'ATTENDED', 'NO_SHOW'] as const satisfies readonly RegistrationStatus[];

/** Statuses of sessions open for registration. */
const OPEN_SESSION_STATUSES: TrainingSession['status'][] = ['SCHEDULED', 'CONFIRMED'];

/**
 * Takes one seat of a session open for registration and not started yet, if one is free: one
 * guarded statement, so concurrent registrations queue on the session's row and each sees the
 * count the one before it left. Undefined when no seat was taken.
 */
export async function takeSeat(db: Kysely<SchedulingDatabase>, sessionId: string): Promise<TrainingSession | undefined> {
  return db
    .updateTable('scheduling.training_sessions')
    .set((eb) => ({ seats_taken: eb('seats_taken', '+', 1) }))
    .where('id', '=', sessionId)
    .where((eb) => eb('seats_taken', '<', eb.ref('capacity')))
    .where('status', 'in', OPEN_SESSION_STATUSES)
    .where('starts_at', '>', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Takes one seat back for a paid registration whose hold was released, whatever the session's
 * state short of cancelled: the registrant paid before the session, and a seat is free.
 */
export async function retakeSeat(db: Kysely<SchedulingDatabase>, sessionId: string): Promise<TrainingSession | undefined> {
  return db
    .updateTable('scheduling.training_sessions')
    .set((eb) => ({ seats_taken: eb('seats_taken', '+', 1) }))
    .where('id', '=', sessionId)
    .where((eb) => eb('seats_taken', '<', eb.ref('capacity')))
    .where('status', '!=', 'CANCELLED')
    .returningAll()
    .executeTakeFirst();
}

/** Gives back seats of sessions, `counts` by session id. */
export async function freeSeats(db: Kysely<SchedulingDatabase>, counts: ReadonlyMap<string, number>): Promise<void> {
  if (counts.size === 0) return;
  const ids = [...counts.keys()];
  const freed = ids.map((id) => counts.get(id)!);
  await sql`
    UPDATE scheduling.training_sessions s SET seats_taken = s.seats_taken - f.freed
    FROM unnest(${ids}::uuid[], ${freed}::int[]) AS f(id, freed)
    WHERE s.id = f.id`.execute(db);
}

export async function findSessionById(db: Kysely<SchedulingDatabase>, id: string): Promise<TrainingSession | undefined> {
  return db.selectFrom('scheduling.training_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether the course has a price above zero in scheduling's copy of commerce's prices. */
export async function isCoursePriced(db: Kysely<SchedulingDatabase>, courseId: string): Promise<boolean> {
  const row = await db.selectFrom('scheduling.course_prices').select('amount_minor').where('course_id', '=', courseId).executeTakeFirst();
  return (row?.amount_minor ?? 0) > 0;
}

/** Records a course's price as set at `setAt`; an older price arriving late never replaces a newer one. */
export async function upsertCoursePrice(
  db: Kysely<SchedulingDatabase>,
  price: { courseId: string; amountMinor: number | null; currency: string | null; setAt: Date },
): Promise<void> {
  await db
    .insertInto('scheduling.course_prices')
    .values({ course_id: price.courseId, amount_minor: price.amountMinor, currency: price.currency, set_at: price.setAt })
    .onConflict((oc) =>
      oc.column('course_id').doUpdateSet((eb) => ({
        amount_minor: eb.ref('excluded.amount_minor'),
        currency: eb.ref('excluded.currency'),
        set_at: eb.ref('excluded.set_at'),
      })).where('excluded.set_at', '>=', (eb) => eb.ref('scheduling.course_prices.set_at')),
    )
    .execute();
}

/** The user's registration holding a seat at the session, if any. */
export async function findLiveRegistration(db: Kysely<SchedulingDatabase>, sessionId: string, userId: string): Promise<Registration | undefined> {
  return db
    .selectFrom('scheduling.registrations')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('status', 'in', LIVE_STATUSES)
    .executeTakeFirst();
}

/** Inserts a registration; a second live one of the user for the session raises 23505 on registrations_live_key. */
export async function insertRegistration(db: Kysely<SchedulingDatabase>, values: Insertable<SchedulingRegistrations>): Promise<Registration> {
  return db.insertInto('scheduling.registrations').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function insertRequirements(db: Kysely<SchedulingDatabase>, rows: Insertable<SchedulingRegistrationRequirements>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('scheduling.registration_requirements').values(rows).execute();
}

export async function findRegistrationsByIds(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<Registration[]> {
  return db.selectFrom('scheduling.registrations').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

export async function findRegistrationByCode(db: Kysely<SchedulingDatabase>, code: string): Promise<Registration | undefined> {
  return db.selectFrom('scheduling.registrations').selectAll().where('check_in_code', '=', code).executeTakeFirst();
}

/** The registration, locked until the transaction ends, with its session's course. */
export async function lockRegistration(db: Kysely<SchedulingDatabase>, id: string): Promise<RegistrationWithCourse | undefined> {
  return db
    .selectFrom('scheduling.registrations as r')
    .innerJoin('scheduling.training_sessions as s', 's.id', 'r.session_id')
    .selectAll('r')
    .select('s.course_id')
    .where('r.id', '=', id)
    .forUpdate('r')
    .executeTakeFirst();
}

/** What a status change also sets. */
export interface RegistrationChange {
  status: RegistrationStatus;
  holdExpiresAt?: Date | null;
  orderId?: string | null;
  refundDueReason?: string | null;
  confirmed?: boolean;
  ended?: boolean;
}

/**
 * Moves registrations from one of `from` to `change.status` in one statement; only the rows
 * still in `from` change (and come back), so a seat is freed or taken once however often it runs.
 */
export async function changeRegistrations(
  db: Kysely<SchedulingDatabase>,
  ids: readonly string[],
  from: readonly RegistrationStatus[],
  change: RegistrationChange,
): Promise<RegistrationWithCourse[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<RegistrationWithCourse>`
    UPDATE scheduling.registrations r SET
      status = ${change.status},
      hold_expires_at = ${change.holdExpiresAt === undefined ? sql`r.hold_expires_at` : sql`${change.holdExpiresAt}::timestamptz`},
      order_id = ${change.orderId === undefined ? sql`r.order_id` : sql`${change.orderId}::uuid`},
      refund_due_reason = ${change.refundDueReason === undefined ? sql`r.refund_due_reason` : sql`${change.refundDueReason}::text`},
      confirmed_at = ${change.confirmed ? sql`now()` : sql`r.confirmed_at`},
      ended_at = ${change.ended ? sql`now()` : sql`r.ended_at`},
      updated_at = now()
    FROM scheduling.training_sessions s
    WHERE r.id = ANY(${ids}::uuid[]) AND r.status = ANY(${from}::text[]) AND s.id = r.session_id
    RETURNING r.*, s.course_id`.execute(db);
  return rows;
}

/**
 * Up to `limit` held registrations whose hold has lapsed, made EXPIRED. Rows another
 * transaction holds (a payment being confirmed) are skipped, to be looked at next time.
 */
export async function expireLapsedHolds(db: Kysely<SchedulingDatabase>, limit: number): Promise<RegistrationWithCourse[]> {
  const { rows } = await sql<RegistrationWithCourse>`
    WITH lapsed AS (
      SELECT id FROM scheduling.registrations
      WHERE status = 'PENDING_PAYMENT' AND hold_expires_at <= now()
      ORDER BY hold_expires_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE scheduling.registrations r SET status = 'EXPIRED', ended_at = now(), updated_at = now()
    FROM lapsed, scheduling.training_sessions s
    WHERE r.id = lapsed.id AND s.id = r.session_id
    RETURNING r.*, s.course_id`.execute(db);
  return rows;
}

/** Every registration of the session that holds a seat, made CANCELLED, and the session's seats all free. */
export async function cancelLiveRegistrationsOfSession(db: Kysely<SchedulingDatabase>, sessionId: string): Promise<RegistrationWithCourse[]> {
  const { rows } = await sql<RegistrationWithCourse>`
    UPDATE scheduling.registrations r SET status = 'CANCELLED', hold_expires_at = NULL, ended_at = now(), updated_at = now()
    FROM scheduling.training_sessions s
    WHERE r.session_id = ${sessionId} AND r.status = ANY(${LIVE_STATUSES}::text[]) AND s.id = r.session_id
    RETURNING r.*, s.course_id`.execute(db);
  await db.updateTable('scheduling.training_sessions').set({ seats_taken: 0 }).where('id', '=', sessionId).execute();
  return rows;
}

/** Every registration of each session, earliest first. */
export async function findRegistrationsOfSessions(db: Kysely<SchedulingDatabase>, sessionIds: readonly string[]): Promise<Registration[]> {
  return db
    .selectFrom('scheduling.registrations')
    .selectAll()
    .where('session_id', '=', sql<string>`ANY(${sessionIds}::uuid[])`)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Each user's registrations by their session's start (upcoming only: holding a seat at a
 * session yet to start), with the sessions, in one statement.
 */
export async function findRegistrationsOfUsers(
  db: Kysely<SchedulingDatabase>,
  userIds: readonly string[],
  upcomingOnly: boolean,
): Promise<Registration[]> {
  let query = db
    .selectFrom('scheduling.registrations as r')
    .innerJoin('scheduling.training_sessions as s', 's.id', 'r.session_id')
    .selectAll('r')
    .where('r.user_id', '=', sql<string>`ANY(${userIds}::uuid[])`);
  if (upcomingOnly) query = query.where('r.status', 'in', ['PENDING_PAYMENT', 'CONFIRMED']).where('s.starts_at', '>', sql<Date>`now()`);
  return query.orderBy('s.starts_at').orderBy('r.id').execute();
}

export async function findRequirementsOfRegistrations(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<SpecialRequirement[]> {
  return db
    .selectFrom('scheduling.registration_requirements')
    .selectAll()
    .where('registration_id', '=', sql<string>`ANY(${ids}::uuid[])`)
    .orderBy('registration_id')
    .orderBy('position')
    .execute();
}

/** Of `sessionIds`, those the user holds a CONFIRMED or ATTENDED registration for (one row each). */
export async function findSessionsAttendedBy(db: Kysely<SchedulingDatabase>, userId: string, sessionIds: readonly string[]): Promise<{ session_id: string }[]> {
  return db
    .selectFrom('scheduling.registrations')
    .select('session_id')
    .distinct()
    .where('user_id', '=', userId)
    .where('session_id', '=', sql<string>`ANY(${sessionIds}::uuid[])`)
    .where('status', 'in', ['CONFIRMED', 'ATTENDED'])
    .execute();
}
