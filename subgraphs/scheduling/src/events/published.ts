// The domain events scheduling publishes through its outbox (scheduling.outbox), each in the
// transaction that makes the change. Their aggregate id is the session's id; no personal data
// beyond the trainer's user id, which community needs to open the session's chat room.
import { appendEvent } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import type { SchedulingDatabase, Trainer, TrainingSession } from '../db/database.js';

/** The schema whose outbox scheduling's events go to. */
export const SCHEDULING_EVENT_SOURCE = 'scheduling';

/** The payload of `TrainingSessionScheduled`: a session was put on the calendar. */
export interface TrainingSessionScheduledPayload {
  sessionId: string;
  courseId: string;
  /** The trainer's user id; null when the session has no trainer. */
  trainerUserId: string | null;
  /** null for an online session. */
  venueId: string | null;
  /** ISO 8601 timestamps; the session holds [startsAt, endsAt). */
  startsAt: string;
  endsAt: string;
  capacity: number;
}

/** The payload of `TrainingSessionCancelled`: a session was called off. */
export interface TrainingSessionCancelledPayload {
  sessionId: string;
  courseId: string;
  reason: string;
  /** ISO 8601 timestamp. */
  cancelledAt: string;
}

/** Publishes `TrainingSessionScheduled` in `trx`, the transaction that inserts the session. Returns the event id. */
export function publishTrainingSessionScheduled(trx: Kysely<SchedulingDatabase>, session: TrainingSession, trainer: Trainer | null): Promise<string> {
  const payload: TrainingSessionScheduledPayload = {
    sessionId: session.id,
    courseId: session.course_id,
    trainerUserId: trainer?.user_id ?? null,
    venueId: session.venue_id,
    startsAt: session.starts_at.toISOString(),
    endsAt: session.ends_at.toISOString(),
    capacity: session.capacity,
  };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'TrainingSessionScheduled', aggregateId: session.id, payload });
}

/** Publishes `TrainingSessionCancelled` in `trx`, the transaction that cancels the session. Returns the event id. */
export function publishTrainingSessionCancelled(trx: Kysely<SchedulingDatabase>, session: TrainingSession): Promise<string> {
  const payload: TrainingSessionCancelledPayload = {
    sessionId: session.id,
    courseId: session.course_id,
    reason: session.cancellation_reason ?? '',
    cancelledAt: (session.cancelled_at ?? new Date()).toISOString(),
  };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'TrainingSessionCancelled', aggregateId: session.id, payload });
}
