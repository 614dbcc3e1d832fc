// The domain events scheduling publishes through its outbox (scheduling.outbox), each in the
// transaction that makes the change. Session events carry no personal data beyond the trainer's
// user id, which community needs to open the session's chat room; coaching events carry ids and
// times only, never the meeting URL, which is for the coach and learner alone.
import { appendEvent } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import type { CoachingSession, SchedulingDatabase, Trainer, TrainingSession } from '../db/database.js';

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

/** What both coaching events carry (their aggregate id is the coaching session id). */
interface CoachingSessionEventPayload {
  coachingSessionId: string;
  trainerId: string;
  learnerId: string;
  /** ISO 8601 timestamps. */
  startsAt: string;
  endsAt: string;
}

/** The payload of `CoachingSessionBooked`: a learner booked a coach's time. */
export interface CoachingSessionBookedPayload extends CoachingSessionEventPayload {
  /** ISO 8601 timestamp. */
  bookedAt: string;
}

/** The payload of `CoachingSessionCancelled`: a booked session was called off; its time is free again. */
export interface CoachingSessionCancelledPayload extends CoachingSessionEventPayload {
  /** The user who cancelled: the learner, the coach's user or an ADMIN. */
  cancelledBy: string;
  /** ISO 8601 timestamp. */
  cancelledAt: string;
}

const common = (session: CoachingSession): CoachingSessionEventPayload => ({
  coachingSessionId: session.id,
  trainerId: session.trainer_id,
  learnerId: session.learner_id,
  startsAt: session.starts_at.toISOString(),
  endsAt: session.ends_at.toISOString(),
});

/** Publishes `CoachingSessionBooked` in `trx`, the transaction that books the session. Returns the event id. */
export function publishCoachingSessionBooked(trx: Kysely<SchedulingDatabase>, session: CoachingSession): Promise<string> {
  const payload: CoachingSessionBookedPayload = { ...common(session), bookedAt: session.created_at.toISOString() };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'CoachingSessionBooked', aggregateId: session.id, payload });
}

/** Publishes `CoachingSessionCancelled` in `trx`, the transaction that cancels the session. Returns the event id. */
export function publishCoachingSessionCancelled(trx: Kysely<SchedulingDatabase>, session: CoachingSession, cancelledBy: string): Promise<string> {
  const payload: CoachingSessionCancelledPayload = {
    ...common(session),
    cancelledBy,
    cancelledAt: (session.cancelled_at ?? new Date()).toISOString(),
  };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'CoachingSessionCancelled', aggregateId: session.id, payload });
}
