// The domain events scheduling publishes through its outbox (scheduling.outbox), each in the
// transaction that makes the change. Session events carry no personal data beyond the trainer's
// user id, which community needs to open the session's chat room; coaching events carry ids and
// times only, never the meeting URL, which is for the coach and learner alone; registration
// events carry ids, statuses and times, never special requirements or check-in codes.
import { appendEvent } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import type { AttendanceRecord, CoachingSession, Event, Registration, SchedulingDatabase, Trainer, TrainingSession } from '../db/database.js';

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

/** What every registration event carries (aggregate: the registration). */
export interface RegistrationEventPayload {
  registrationId: string;
  sessionId: string;
  userId: string;
  courseId: string;
  /** The registration's status after the change. */
  status: Registration['status'];
  /** ISO 8601 timestamp of the change. */
  at: string;
}

/** The payload of `RegistrationConfirmed`: the seat is the registrant's (free course, or paid). */
export interface RegistrationConfirmedPayload extends RegistrationEventPayload {
  /** The paid order, when the seat was paid for. */
  orderId: string | null;
  referredByUserId: string | null;
}

/** The payload of `RegistrationCancelled`: the seat is free again. */
export interface RegistrationCancelledPayload extends RegistrationEventPayload {
  /** Why: by the registrant or ADMIN, a refund, the session's cancellation, or an unpaid order ended. */
  reason: 'BY_USER' | 'REFUNDED' | 'SESSION_CANCELLED' | 'ORDER_CANCELLED';
}

/** The payload of `RegistrationExpired`: the unpaid hold lapsed; the seat is free again. */
export interface RegistrationExpiredPayload extends RegistrationEventPayload {
  holdExpiredAt: string | null;
}

/** The payload of `RegistrationPaidWithoutSeat`: an order was paid for a seat that is gone, so commerce owes a refund. */
export interface RegistrationPaidWithoutSeatPayload extends RegistrationEventPayload {
  orderId: string;
}

/** The payload of `AttendanceRecorded` (aggregate: the registration). */
export interface AttendanceRecordedPayload extends Omit<RegistrationEventPayload, 'status'> {
  /** How the registrant attended. */
  status: AttendanceRecord['status'];
  checkedInAt: string | null;
}

type Db = Kysely<SchedulingDatabase>;

const registrationCommon = (registration: Registration, courseId: string): RegistrationEventPayload => ({
  registrationId: registration.id,
  sessionId: registration.session_id,
  userId: registration.user_id,
  courseId,
  status: registration.status,
  at: registration.updated_at.toISOString(),
});

/** Publishes `RegistrationConfirmed` in `trx`, the transaction that confirms the seat. */
export function publishRegistrationConfirmed(trx: Db, registration: Registration, courseId: string): Promise<string> {
  const payload: RegistrationConfirmedPayload = { ...registrationCommon(registration, courseId), orderId: registration.order_id, referredByUserId: registration.referred_by_user_id };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'RegistrationConfirmed', aggregateId: registration.id, payload });
}

/** Publishes `RegistrationCancelled` in `trx`, the transaction that cancels the registration. */
export function publishRegistrationCancelled(trx: Db, registration: Registration, courseId: string, reason: RegistrationCancelledPayload['reason']): Promise<string> {
  const payload: RegistrationCancelledPayload = { ...registrationCommon(registration, courseId), reason };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'RegistrationCancelled', aggregateId: registration.id, payload });
}

/** Publishes `RegistrationExpired` in `trx`, the transaction that ends the hold. */
export function publishRegistrationExpired(trx: Db, registration: Registration, courseId: string): Promise<string> {
  const payload: RegistrationExpiredPayload = { ...registrationCommon(registration, courseId), holdExpiredAt: registration.hold_expires_at?.toISOString() ?? null };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'RegistrationExpired', aggregateId: registration.id, payload });
}

/** Publishes `RegistrationPaidWithoutSeat` in `trx`: the payment arrived after the seat was given up and none is left. */
export function publishRegistrationPaidWithoutSeat(trx: Db, registration: Registration, courseId: string, orderId: string): Promise<string> {
  const payload: RegistrationPaidWithoutSeatPayload = { ...registrationCommon(registration, courseId), orderId };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'RegistrationPaidWithoutSeat', aggregateId: registration.id, payload });
}

/** Publishes `AttendanceRecorded` in `trx`, the transaction that records the attendance. */
export function publishAttendanceRecorded(trx: Db, record: AttendanceRecord, courseId: string): Promise<string> {
  const payload: AttendanceRecordedPayload = {
    registrationId: record.registration_id,
    sessionId: record.session_id,
    userId: record.user_id,
    courseId,
    status: record.status,
    checkedInAt: record.checked_in_at?.toISOString() ?? null,
    at: record.recorded_at.toISOString(),
  };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'AttendanceRecorded', aggregateId: record.registration_id, payload });
}

/** The payload of `RegistrationHeld` (aggregate: the registration): a seat is held for payment until `holdExpiresAt`. */
export interface RegistrationHeldPayload {
  registrationId: string;
  sessionId: string;
  userId: string;
  courseId: string;
  /** ISO 8601 timestamp: when the unpaid hold lapses. */
  holdExpiresAt: string;
  /** ISO 8601 timestamp of the hold. */
  at: string;
}

/** Publishes `RegistrationHeld` in `trx`, the transaction that holds the seat PENDING_PAYMENT (commerce checks out against it). */
export function publishRegistrationHeld(trx: Db, registration: Registration, courseId: string): Promise<string> {
  const payload: RegistrationHeldPayload = {
    registrationId: registration.id,
    sessionId: registration.session_id,
    userId: registration.user_id,
    courseId,
    holdExpiresAt: (registration.hold_expires_at ?? registration.updated_at).toISOString(),
    at: registration.updated_at.toISOString(),
  };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'RegistrationHeld', aggregateId: registration.id, payload });
}

/** The payload of `EventScheduled` (aggregate: the event): an event was announced; commerce sells its tickets. */
export interface EventScheduledPayload {
  eventId: string;
  slug: string;
  name: string;
  organizerId: string;
  /** ISO 8601 timestamps. */
  startsAt: string;
  endsAt: string;
}

/** Publishes `EventScheduled` in `trx`, the transaction that inserts the event. */
export function publishEventScheduled(trx: Db, event: Event): Promise<string> {
  const payload: EventScheduledPayload = {
    eventId: event.id,
    slug: event.slug,
    name: event.name,
    organizerId: event.organizer_id,
    startsAt: event.starts_at.toISOString(),
    endsAt: event.ends_at.toISOString(),
  };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'EventScheduled', aggregateId: event.id, payload });
}
