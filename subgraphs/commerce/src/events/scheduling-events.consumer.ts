// What commerce takes from scheduling's outbox: the sessions, seat holds and events it sells,
// kept in commerce's own copies (commerce.sessions, seat_holds, events) so checkout never reads
// scheduling's tables; and seats paid for after they were gone, refunded automatically.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CommerceDatabase } from '../db/database.js';
import { cancelSession, setSeatHoldStatus, upsertEvent, upsertSeatHold, upsertSession } from '../repositories/copy.repository.js';
import { endOrderOfLapsedSeat } from '../services/payment.service.js';
import { refundSeatWithoutSeat, settleSeatRefund, type RefundProcessing } from '../services/refund.service.js';

/** The consumer's name in commerce.event_checkpoints and processed_events: never rename it, or it starts over. */
export const SCHEDULING_CONSUMER = 'commerce.scheduling';

/**
 * The parts of scheduling's payloads this consumer relies on. Checked, not trusted: an event of
 * another shape fails (and is retried) rather than storing a wrong copy.
 */
const iso = z.iso.datetime({ offset: true });
const sessionScheduled = z.object({ sessionId: z.uuid(), courseId: z.uuid(), startsAt: iso, endsAt: iso });
const sessionCancelled = z.object({ sessionId: z.uuid(), courseId: z.uuid() });
const registrationHeld = z.object({ registrationId: z.uuid(), sessionId: z.uuid(), userId: z.uuid(), courseId: z.uuid(), holdExpiresAt: iso });
const registrationChanged = z.object({ registrationId: z.uuid(), sessionId: z.uuid(), userId: z.uuid(), courseId: z.uuid(), at: iso });
const paidWithoutSeat = z.object({ registrationId: z.uuid(), userId: z.uuid(), orderId: z.uuid() });
const eventScheduled = z.object({ eventId: z.uuid(), slug: z.string(), name: z.string(), organizerId: z.uuid(), startsAt: iso, endsAt: iso });

const lower = (id: string) => id.toLowerCase();

const onSessionScheduled: EventHandler<CommerceDatabase> = (event, trx) => {
  const p = sessionScheduled.parse(event.payload);
  return upsertSession(trx, { id: lower(p.sessionId), courseId: lower(p.courseId), startsAt: new Date(p.startsAt), endsAt: new Date(p.endsAt) });
};

const onSessionCancelled: EventHandler<CommerceDatabase> = (event, trx) => {
  const p = sessionCancelled.parse(event.payload);
  return cancelSession(trx, { id: lower(p.sessionId), courseId: lower(p.courseId) });
};

const onRegistrationHeld: EventHandler<CommerceDatabase> = (event, trx) => {
  const p = registrationHeld.parse(event.payload);
  return upsertSeatHold(trx, {
    registrationId: lower(p.registrationId),
    sessionId: lower(p.sessionId),
    userId: lower(p.userId),
    courseId: lower(p.courseId),
    holdExpiresAt: new Date(p.holdExpiresAt),
  });
};

/**
 * A registration left its hold: checkout no longer sells its seat, and when the hold lapsed
 * (EXPIRED) the unpaid order holding it ends EXPIRED (see endOrderOfLapsedSeat).
 */
const onRegistrationLeftHold =
  (status: 'CONFIRMED' | 'CANCELLED' | 'EXPIRED'): EventHandler<CommerceDatabase> =>
  async (event, trx) => {
    const p = registrationChanged.parse(event.payload);
    const registrationId = lower(p.registrationId);
    await setSeatHoldStatus(trx, {
      registrationId,
      sessionId: lower(p.sessionId),
      userId: lower(p.userId),
      courseId: lower(p.courseId),
      status,
      at: new Date(p.at),
    });
    if (status === 'EXPIRED') await endOrderOfLapsedSeat(trx, registrationId, new Date(p.at));
  };

const onEventScheduled: EventHandler<CommerceDatabase> = (event, trx) => {
  const p = eventScheduled.parse(event.payload);
  return upsertEvent(trx, {
    id: lower(p.eventId),
    slug: p.slug,
    name: p.name,
    organizerId: lower(p.organizerId),
    startsAt: new Date(p.startsAt),
    endsAt: new Date(p.endsAt),
  });
};

/** A seat paid for after it was gone: its item is refunded (settled after commit, see onHandled). */
const onPaidWithoutSeat =
  (logger: Logger): EventHandler<CommerceDatabase> =>
  async (event, trx) => {
    const p = paidWithoutSeat.parse(event.payload);
    await refundSeatWithoutSeat(trx, logger, { orderId: lower(p.orderId), registrationId: lower(p.registrationId), userId: lower(p.userId) });
  };

/**
 * The consumer of scheduling's domain events. Each event is handled once (the kit records it in
 * commerce.processed_events in the handler's transaction); events come in the order scheduling
 * committed them, so a hold's later status always follows its RegistrationHeld.
 */
export function createSchedulingEventConsumer(options: {
  db: Kysely<CommerceDatabase>;
  /** Where to LISTEN for scheduling's announcements (the subgraph's own role); without it, polling only. */
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
  /** Pays automatic refunds back once their transaction committed; without it the refund-retry job does, later. */
  refunds?: RefundProcessing;
}): EventConsumer {
  const { refunds } = options;
  return createEventConsumer<CommerceDatabase>({
    name: SCHEDULING_CONSUMER,
    source: 'scheduling',
    schema: 'commerce',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    onHandled: async (event) => {
      if (event.type !== 'RegistrationPaidWithoutSeat' || !refunds) return;
      const p = paidWithoutSeat.parse(event.payload);
      // The refund is recorded already: a provider that fails now is retried by the refund-retry job.
      await settleSeatRefund(refunds, { orderId: lower(p.orderId), registrationId: lower(p.registrationId) }).catch((error: unknown) =>
        options.logger.error('settling an automatic refund failed; the refund-retry job tries again', { err: error, orderId: p.orderId }),
      );
    },
    handlers: {
      TrainingSessionScheduled: onSessionScheduled,
      TrainingSessionCancelled: onSessionCancelled,
      RegistrationHeld: onRegistrationHeld,
      RegistrationConfirmed: onRegistrationLeftHold('CONFIRMED'),
      RegistrationCancelled: onRegistrationLeftHold('CANCELLED'),
      RegistrationExpired: onRegistrationLeftHold('EXPIRED'),
      EventScheduled: onEventScheduled,
      RegistrationPaidWithoutSeat: onPaidWithoutSeat(options.logger),
    },
  });
}
