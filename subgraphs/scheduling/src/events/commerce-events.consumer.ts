// What scheduling takes from commerce's outbox: course prices (a local copy, so registering
// knows whether a session is paid for) and the orders that pay for, refund or let go of seats.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { SchedulingDatabase } from '../db/database.js';
import { upsertCoursePrice } from '../repositories/registration.repository.js';
import { cancelRefundedSeats, confirmPaidSeat, releaseSeatsOfEndedOrder } from '../services/registration.service.js';

/** The consumer's name in scheduling.event_checkpoints and processed_events: never rename it, or it starts over. */
export const COMMERCE_CONSUMER = 'scheduling.commerce';

/**
 * The parts of commerce's payloads this consumer relies on. Checked, not trusted: an event of
 * another shape fails (and is retried) rather than changing a seat wrongly.
 */
const coursePriceSetPayload = z.object({
  courseId: z.uuid(),
  price: z.object({ amountMinor: z.number().int().min(0), currency: z.string().regex(/^[A-Z]{3}$/) }).nullable(),
  setAt: z.iso.datetime({ offset: true }),
});

const orderItem = z.object({
  kind: z.string(),
  registrationId: z.uuid().nullable().optional(),
});

const orderPayload = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  items: z.array(orderItem),
});

const orderCancelledPayload = orderPayload.extend({ reason: z.enum(['CANCELLED', 'FAILED', 'EXPIRED']) });

/** The registrations the order's seat items stand for. */
const seatRegistrations = (items: z.infer<typeof orderItem>[]): string[] =>
  items.filter((i) => i.kind === 'SESSION_SEAT' && i.registrationId).map((i) => i.registrationId!.toLowerCase());

const onCoursePriceSet: EventHandler<SchedulingDatabase> = (event, trx) => {
  const payload = coursePriceSetPayload.parse(event.payload);
  return upsertCoursePrice(trx, {
    courseId: payload.courseId.toLowerCase(),
    amountMinor: payload.price?.amountMinor ?? null,
    currency: payload.price?.currency ?? null,
    setAt: new Date(payload.setAt),
  });
};

const onOrderPaid =
  (logger: Logger): EventHandler<SchedulingDatabase> =>
  async (event, trx) => {
    const payload = orderPayload.parse(event.payload);
    for (const registrationId of seatRegistrations(payload.items)) {
      await confirmPaidSeat(trx, logger, { registrationId, orderId: payload.orderId, userId: payload.userId.toLowerCase() });
    }
  };

const onOrderRefunded: EventHandler<SchedulingDatabase> = (event, trx) =>
  cancelRefundedSeats(trx, seatRegistrations(orderPayload.parse(event.payload).items));

const onOrderCancelled: EventHandler<SchedulingDatabase> = (event, trx) => {
  const payload = orderCancelledPayload.parse(event.payload);
  return releaseSeatsOfEndedOrder(trx, seatRegistrations(payload.items), payload.reason === 'EXPIRED');
};

/**
 * The consumer of commerce's domain events. Each event is handled once (the kit records it in
 * scheduling.processed_events in the handler's transaction), and each handler moves a
 * registration only from the statuses it expects, so every seat is counted exactly once.
 */
export function createCommerceEventConsumer(options: {
  db: Kysely<SchedulingDatabase>;
  /** Where to LISTEN for commerce's announcements (the subgraph's own role); without it, polling only. */
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
}): EventConsumer {
  return createEventConsumer<SchedulingDatabase>({
    name: COMMERCE_CONSUMER,
    source: 'commerce',
    schema: 'scheduling',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    handlers: {
      CoursePriceSet: onCoursePriceSet,
      OrderPaid: onOrderPaid(options.logger),
      OrderRefunded: onOrderRefunded,
      OrderCancelled: onOrderCancelled,
    },
  });
}
