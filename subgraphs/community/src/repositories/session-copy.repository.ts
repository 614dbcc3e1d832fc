// Community's copy of scheduling's sessions and registrations, written only by the consumer of
// scheduling's events (in outbox order), read to know whom to tell and who belongs in a room.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CommunityDatabase, RegistrationCopy, SessionCopy } from '../db/database.js';

type Db = Kysely<CommunityDatabase> | Transaction<CommunityDatabase>;

/** A registration's state in the copy. */
export type RegistrationCopyStatus = 'HELD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';

export async function upsertSession(
  db: Db,
  session: { sessionId: string; courseId: string; trainerUserId: string | null; startsAt: Date; endsAt: Date },
): Promise<void> {
  await db
    .insertInto('community.training_sessions')
    .values({
      session_id: session.sessionId,
      course_id: session.courseId,
      trainer_user_id: session.trainerUserId,
      starts_at: session.startsAt,
      ends_at: session.endsAt,
      cancelled_at: null,
    })
    .onConflict((oc) =>
      oc.column('session_id').doUpdateSet((eb) => ({
        trainer_user_id: eb.ref('excluded.trainer_user_id'),
        starts_at: eb.ref('excluded.starts_at'),
        ends_at: eb.ref('excluded.ends_at'),
      })),
    )
    .execute();
}

export async function findSession(db: Db, sessionId: string): Promise<SessionCopy | null> {
  return (await db.selectFrom('community.training_sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst()) ?? null;
}

/** Records the cancellation; false when it was recorded before. */
export async function markSessionCancelled(db: Db, sessionId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('community.training_sessions')
    .set({ cancelled_at: at })
    .where('session_id', '=', sessionId)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Stores a registration's new state; returns the state it had before (null: unknown until now). */
export async function upsertRegistration(
  db: Db,
  registration: {
    registrationId: string;
    sessionId: string;
    userId: string;
    courseId: string;
    status: RegistrationCopyStatus;
    holdExpiresAt: Date | null;
    cancelReason: string | null;
    at: Date;
  },
): Promise<RegistrationCopyStatus | null> {
  const { rows } = await sql<{ previous: RegistrationCopyStatus | null }>`
    WITH previous AS (
      SELECT status FROM community.session_registrations WHERE registration_id = ${registration.registrationId} FOR UPDATE
    ), written AS (
      INSERT INTO community.session_registrations (registration_id, session_id, user_id, course_id, status, hold_expires_at, cancel_reason, changed_at)
      VALUES (${registration.registrationId}, ${registration.sessionId}, ${registration.userId}, ${registration.courseId},
        ${registration.status}, ${registration.holdExpiresAt}, ${registration.cancelReason}, ${registration.at})
      ON CONFLICT (registration_id) DO UPDATE SET
        status = EXCLUDED.status,
        hold_expires_at = COALESCE(EXCLUDED.hold_expires_at, community.session_registrations.hold_expires_at),
        cancel_reason = EXCLUDED.cancel_reason,
        changed_at = EXCLUDED.changed_at
      RETURNING 1
    )
    SELECT (SELECT status FROM previous) AS previous FROM written`.execute(db);
  return rows[0]?.previous ?? null;
}

export async function findRegistration(db: Db, registrationId: string): Promise<RegistrationCopy | null> {
  return (await db.selectFrom('community.session_registrations').selectAll().where('registration_id', '=', registrationId).executeTakeFirst()) ?? null;
}

/**
 * The users who held a confirmed seat when the session was called off: those still CONFIRMED, and
 * those whose registration the cancellation itself ended (scheduling cancels them first, in the
 * same transaction).
 */
export async function findSessionRegistrants(db: Db, sessionId: string): Promise<RegistrationCopy[]> {
  return db
    .selectFrom('community.session_registrations')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where((eb) => eb.or([eb('status', '=', 'CONFIRMED'), eb.and([eb('status', '=', 'CANCELLED'), eb('cancel_reason', '=', 'SESSION_CANCELLED')])]))
    .orderBy('registration_id')
    .execute();
}

/** The confirmed registrations of a session. */
export async function findConfirmedRegistrations(db: Db, sessionId: string): Promise<RegistrationCopy[]> {
  return db.selectFrom('community.session_registrations').selectAll().where('session_id', '=', sessionId).where('status', '=', 'CONFIRMED').execute();
}
