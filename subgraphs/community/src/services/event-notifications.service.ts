// What community does with other subgraphs' domain events: its copy of sessions and
// registrations, session rooms, and the notifications (now, or planned as reminders). Each
// function runs inside the consumer's transaction for one event; what must be announced after
// commit is returned. Every write is idempotent (dedupe keys, unique keys, upserts), so an
// event applied again, even without the kit's processed_events, changes nothing.
import { formatMoney } from '@academy/service-kit';
import type { Kysely, Transaction } from 'kysely';
import type { CommunityDatabase, Notification, SessionCopy } from '../db/database.js';
import { addMembers } from '../repositories/chat-room.repository.js';
import { cancelReminders, claimDueReminders, finishReminder, planReminder } from '../repositories/reminder.repository.js';
import {
  findConfirmedRegistrations,
  findRegistration,
  findSession,
  findSessionRegistrants,
  markSessionCancelled,
  upsertRegistration,
  upsertSession,
} from '../repositories/session-copy.repository.js';
import { addModerator, archiveSessionRoom, ensureSessionRoom, findSessionRoom, removePlainMember } from '../repositories/session-room.repository.js';
import { deliverNotifications, type DeliverySettings, type NotificationDraft } from './notification-delivery.service.js';

/** What handling events needs: delivery, and when reminders fall due. */
export interface EventNotificationSettings extends DeliverySettings {
  /** How long before a seat hold lapses its holder is warned. */
  holdWarningMinutes: number;
  /** How long before a session starts its registrants are reminded. */
  reminderLeadHours: number;
}

/** What a handled event leaves to announce once its transaction committed. */
export interface EventOutcome {
  notifications: Notification[];
  removedMembers: { roomId: string; userId: string }[];
}

const nothing = (): EventOutcome => ({ notifications: [], removedMembers: [] });

type Trx = Transaction<CommunityDatabase>;

const when = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The name of a session's room: its start, when known. */
const roomName = (session: SessionCopy | null) => (session ? `Training session, ${when(session.starts_at)}` : 'Training session');

async function planSessionReminder(trx: Trx, settings: EventNotificationSettings, session: SessionCopy, registration: { registrationId: string; userId: string }, now: Date) {
  if (session.cancelled_at || session.starts_at <= now) return;
  const dueAt = new Date(Math.max(session.starts_at.getTime() - settings.reminderLeadHours * 3_600_000, now.getTime()));
  await planReminder(trx, { kind: 'SESSION_REMINDER', registrationId: registration.registrationId, sessionId: session.session_id, userId: registration.userId, dueAt });
}

/** `TrainingSessionScheduled`: the copy, the session's room with its trainer as MODERATOR. */
export async function applySessionScheduled(
  trx: Trx,
  settings: EventNotificationSettings,
  event: { sessionId: string; courseId: string; trainerUserId: string | null; startsAt: Date; endsAt: Date },
  now = new Date(),
): Promise<EventOutcome> {
  await upsertSession(trx, event);
  const session = await findSession(trx, event.sessionId);
  const room = await ensureSessionRoom(trx, event.sessionId, roomName(session));
  if (event.trainerUserId) await addModerator(trx, room.id, event.trainerUserId);
  // Registrations confirmed before the session's event was read (an older session) get their reminder now.
  if (session) {
    for (const r of await findConfirmedRegistrations(trx, event.sessionId)) {
      await planSessionReminder(trx, settings, session, { registrationId: r.registration_id, userId: r.user_id }, now);
    }
  }
  return nothing();
}

/** A registration event's common part. */
export interface RegistrationFacts {
  registrationId: string;
  sessionId: string;
  userId: string;
  courseId: string;
  at: Date;
}

/** `RegistrationHeld`: the copy, and a warning planned a few minutes before the hold lapses. */
export async function applyRegistrationHeld(trx: Trx, settings: EventNotificationSettings, event: RegistrationFacts & { holdExpiresAt: Date }): Promise<EventOutcome> {
  await upsertRegistration(trx, { ...event, status: 'HELD', cancelReason: null });
  await planReminder(trx, {
    kind: 'SEAT_HOLD_EXPIRING',
    registrationId: event.registrationId,
    sessionId: event.sessionId,
    userId: event.userId,
    dueAt: new Date(event.holdExpiresAt.getTime() - settings.holdWarningMinutes * 60_000),
  });
  return nothing();
}

/** `RegistrationConfirmed`: the copy, the registrant in the session's room, "booking confirmed", the 24-hour reminder planned. */
export async function applyRegistrationConfirmed(trx: Trx, settings: EventNotificationSettings, event: RegistrationFacts, now = new Date()): Promise<EventOutcome> {
  await upsertRegistration(trx, { ...event, status: 'CONFIRMED', holdExpiresAt: null, cancelReason: null });
  await cancelReminders(trx, { registrationId: event.registrationId, kind: 'SEAT_HOLD_EXPIRING' });
  const session = await findSession(trx, event.sessionId);
  const room = await ensureSessionRoom(trx, event.sessionId, roomName(session));
  await addMembers(trx, room.id, [{ userId: event.userId, role: 'MEMBER' }]);
  if (session) await planSessionReminder(trx, settings, session, event, now);
  const notifications = await deliverNotifications(trx, settings, [
    {
      userId: event.userId,
      kind: 'BOOKING_CONFIRMED',
      title: 'Your booking is confirmed',
      body: session ? `Your seat at the training session starting ${when(session.starts_at)} is confirmed.` : 'Your seat at the training session is confirmed.',
      actionUrl: `/sessions/${event.sessionId}`,
      data: { registrationId: event.registrationId, sessionId: event.sessionId, courseId: event.courseId, roomId: room.id },
      dedupeKey: `BOOKING_CONFIRMED:${event.registrationId}`,
    },
  ]);
  return { notifications, removedMembers: [] };
}

/**
 * `RegistrationCancelled` and `RegistrationExpired`: the copy, pending reminders dropped, the
 * registrant out of the session's room. A registration ended by the session's own cancellation
 * keeps its member in the (archived) room, to read what was said.
 */
export async function applyRegistrationEnded(
  trx: Trx,
  event: RegistrationFacts & { status: 'CANCELLED' | 'EXPIRED'; reason: string | null },
): Promise<EventOutcome> {
  await upsertRegistration(trx, { ...event, holdExpiresAt: null, cancelReason: event.reason });
  await cancelReminders(trx, { registrationId: event.registrationId });
  if (event.reason === 'SESSION_CANCELLED') return nothing();
  const room = await findSessionRoom(trx, event.sessionId);
  if (!room || !(await removePlainMember(trx, room.id, event.userId))) return nothing();
  return { notifications: [], removedMembers: [{ roomId: room.id, userId: event.userId }] };
}

/** `TrainingSessionCancelled`: every registrant told once, reminders dropped, the room archived. */
export async function applySessionCancelled(
  trx: Trx,
  settings: EventNotificationSettings,
  event: { sessionId: string; reason: string; cancelledAt: Date },
): Promise<EventOutcome> {
  await markSessionCancelled(trx, event.sessionId, event.cancelledAt);
  await cancelReminders(trx, { sessionId: event.sessionId });
  await archiveSessionRoom(trx, event.sessionId, event.cancelledAt);
  const session = await findSession(trx, event.sessionId);
  const registrants = await findSessionRegistrants(trx, event.sessionId);
  const drafts: NotificationDraft[] = [...new Set(registrants.map((r) => r.user_id))].map((userId) => ({
    userId,
    kind: 'SESSION_CANCELLED',
    title: 'A training session you booked was cancelled',
    body: [session ? `The session starting ${when(session.starts_at)} will not take place.` : 'The session will not take place.', event.reason && `Reason: ${event.reason}`]
      .filter(Boolean)
      .join(' '),
    actionUrl: `/sessions/${event.sessionId}`,
    data: { sessionId: event.sessionId, reason: event.reason },
    dedupeKey: `SESSION_CANCELLED:${event.sessionId}`,
  }));
  return { notifications: await deliverNotifications(trx, settings, drafts), removedMembers: [] };
}

/** `CertificateIssued`: the learner is told. */
export async function applyCertificateIssued(
  trx: Trx,
  settings: DeliverySettings,
  event: { certificateId: string; number: string; userId: string; courseId: string; expiresAt: Date | null },
): Promise<EventOutcome> {
  const notifications = await deliverNotifications(trx, settings, [
    {
      userId: event.userId,
      kind: 'CERTIFICATE_ISSUED',
      title: `Your certificate ${event.number} is ready`,
      body: event.expiresAt ? `It is valid until ${event.expiresAt.toISOString().slice(0, 10)}.` : 'It does not expire.',
      actionUrl: `/certificates/${event.certificateId}`,
      data: { certificateId: event.certificateId, courseId: event.courseId, number: event.number },
      dedupeKey: `CERTIFICATE_ISSUED:${event.certificateId}`,
    },
  ]);
  return { notifications, removedMembers: [] };
}

/** `EnrollmentCreated`: a welcome to a new enrollment (not to one re-activated). */
export async function applyEnrollmentCreated(
  trx: Trx,
  settings: DeliverySettings,
  event: { enrollmentId: string; userId: string; courseId: string; reactivated: boolean },
): Promise<EventOutcome> {
  if (event.reactivated) return nothing();
  const notifications = await deliverNotifications(trx, settings, [
    {
      userId: event.userId,
      kind: 'ENROLLMENT_CREATED',
      title: 'Welcome to your new course',
      body: 'You are enrolled: your first lesson is waiting.',
      actionUrl: `/courses/${event.courseId}`,
      data: { enrollmentId: event.enrollmentId, courseId: event.courseId },
      dedupeKey: `ENROLLMENT_CREATED:${event.enrollmentId}`,
    },
  ]);
  return { notifications, removedMembers: [] };
}

interface Amount {
  amountMinor: number;
  currency: string;
}

/** `RefundDecided`: the customer is told whether the refund was approved, and what they get back. */
export async function applyRefundDecided(
  trx: Trx,
  settings: DeliverySettings,
  event: { refundId: string; orderId: string; reference: string; userId: string; approved: boolean; amount: Amount; fee: Amount; net: Amount },
): Promise<EventOutcome> {
  const notifications = await deliverNotifications(trx, settings, [
    {
      userId: event.userId,
      kind: 'REFUND_DECIDED',
      title: event.approved ? `Your refund for order ${event.reference} was approved` : `Your refund for order ${event.reference} was declined`,
      body: event.approved
        ? `${formatMoney(event.net.amountMinor, event.net.currency)} will be paid back` +
          (event.fee.amountMinor > 0 ? ` (${formatMoney(event.amount.amountMinor, event.amount.currency)} less a fee of ${formatMoney(event.fee.amountMinor, event.fee.currency)}).` : '.')
        : `The refund of ${formatMoney(event.amount.amountMinor, event.amount.currency)} was not approved.`,
      actionUrl: `/orders/${event.orderId}`,
      data: { refundId: event.refundId, orderId: event.orderId, approved: event.approved },
      dedupeKey: `REFUND_DECIDED:${event.refundId}`,
      priority: event.approved ? 'MEDIUM' : 'HIGH',
    },
  ]);
  return { notifications, removedMembers: [] };
}

/**
 * Delivers the reminders due at `asOf`, `batchSize` per transaction, until none is left: each
 * is taken with FOR UPDATE SKIP LOCKED and marked in the transaction that stores its
 * notification, so however many processes run this, each reminder is delivered once. One no
 * longer relevant (the seat is no longer held, the session started or was cancelled) is skipped.
 */
export async function deliverDueReminders(db: Kysely<CommunityDatabase>, settings: DeliverySettings, asOf: Date, batchSize = 100): Promise<Notification[]> {
  const announced: Notification[] = [];
  for (;;) {
    const { claimed, notifications } = await db.transaction().execute(async (trx) => {
      const due = await claimDueReminders(trx, asOf, batchSize);
      const stored: Notification[] = [];
      for (const reminder of due) {
        const [registration, session] = await Promise.all([findRegistration(trx, reminder.registration_id), findSession(trx, reminder.session_id)]);
        let draft: NotificationDraft | null = null;
        if (reminder.kind === 'SESSION_REMINDER' && registration?.status === 'CONFIRMED' && session && !session.cancelled_at && session.starts_at > asOf) {
          draft = {
            userId: reminder.user_id,
            kind: 'SESSION_REMINDER',
            title: 'Your training session starts soon',
            body: `It starts ${when(session.starts_at)}.`,
            actionUrl: `/sessions/${reminder.session_id}`,
            data: { registrationId: reminder.registration_id, sessionId: reminder.session_id, startsAt: session.starts_at.toISOString() },
            dedupeKey: `SESSION_REMINDER:${reminder.registration_id}`,
          };
        } else if (reminder.kind === 'SEAT_HOLD_EXPIRING' && registration?.status === 'HELD' && registration.hold_expires_at && registration.hold_expires_at > asOf) {
          draft = {
            userId: reminder.user_id,
            kind: 'SEAT_HOLD_EXPIRING',
            title: 'Your held seat is about to be released',
            body: `Complete the payment before ${when(registration.hold_expires_at)} to keep it.`,
            actionUrl: `/sessions/${reminder.session_id}`,
            data: { registrationId: reminder.registration_id, sessionId: reminder.session_id, holdExpiresAt: registration.hold_expires_at.toISOString() },
            dedupeKey: `SEAT_HOLD_EXPIRING:${reminder.registration_id}`,
          };
        }
        const [notification] = draft ? await deliverNotifications(trx, settings, [draft]) : [];
        await finishReminder(trx, reminder.id, draft ? 'SENT' : 'SKIPPED', notification?.id ?? null);
        if (notification) stored.push(notification);
      }
      return { claimed: due.length, notifications: stored };
    });
    announced.push(...notifications);
    if (claimed < batchSize) return announced;
  }
}
