// The domain events scheduling publishes through its outbox (scheduling.outbox, read by the
// other subgraphs' roles through scheduling_events.read_outbox). Registration events carry ids,
// statuses and times, never special requirements or check-in codes.
import { appendEvent } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import type { AttendanceRecord, Registration, SchedulingDatabase } from '../db/database.js';

/** The schema whose outbox scheduling's events go to. */
export const SCHEDULING_EVENT_SOURCE = 'scheduling';

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

const common = (registration: Registration, courseId: string): RegistrationEventPayload => ({
  registrationId: registration.id,
  sessionId: registration.session_id,
  userId: registration.user_id,
  courseId,
  status: registration.status,
  at: registration.updated_at.toISOString(),
});

/** Publishes `RegistrationConfirmed` in `trx`, the transaction that confirms the seat. */
export function publishRegistrationConfirmed(trx: Db, registration: Registration, courseId: string): Promise<string> {
  const payload: RegistrationConfirmedPayload = { ...common(registration, courseId), orderId: registration.order_id, referredByUserId: registration.referred_by_user_id };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'RegistrationConfirmed', aggregateId: registration.id, payload });
}

/** Publishes `RegistrationCancelled` in `trx`, the transaction that cancels the registration. */
export function publishRegistrationCancelled(trx: Db, registration: Registration, courseId: string, reason: RegistrationCancelledPayload['reason']): Promise<string> {
  const payload: RegistrationCancelledPayload = { ...common(registration, courseId), reason };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'RegistrationCancelled', aggregateId: registration.id, payload });
}

/** Publishes `RegistrationExpired` in `trx`, the transaction that ends the hold. */
export function publishRegistrationExpired(trx: Db, registration: Registration, courseId: string): Promise<string> {
  const payload: RegistrationExpiredPayload = { ...common(registration, courseId), holdExpiredAt: registration.hold_expires_at?.toISOString() ?? null };
  return appendEvent(trx, SCHEDULING_EVENT_SOURCE, { type: 'RegistrationExpired', aggregateId: registration.id, payload });
}

/** Publishes `RegistrationPaidWithoutSeat` in `trx`: the payment arrived after the seat was given up and none is left. */
export function publishRegistrationPaidWithoutSeat(trx: Db, registration: Registration, courseId: string, orderId: string): Promise<string> {
  const payload: RegistrationPaidWithoutSeatPayload = { ...common(registration, courseId), orderId };
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
