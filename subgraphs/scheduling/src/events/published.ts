// The domain events scheduling publishes through its outbox (scheduling.outbox). Coaching events
// carry ids and times only: never the meeting URL, which is for the coach and learner alone.
import { appendEvent } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import type { CoachingSession, SchedulingDatabase } from '../db/database.js';

/** The schema whose outbox scheduling's events go to. */
export const SCHEDULING_EVENT_SOURCE = 'scheduling';

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
