// What learning takes from commerce's outbox: course prices (its own copy, for enroll and the
// catalogue's free/paid filter) and course access bought or refunded.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { LearningDatabase } from '../db/database.js';
import { applyCoursePriceSet } from '../services/course-price.service.js';
import { endOrderAccess, grantOrderAccess } from '../services/enrollment.service.js';

/** The consumer's name in learning.event_checkpoints and processed_events: never rename it, or it starts over. */
export const COMMERCE_CONSUMER = 'learning.commerce';

// commerce's payloads as this consumer relies on them. Checked, not trusted: an event of another
// shape fails (and is retried) rather than granting or ending the wrong access.
const timestamp = z.iso.datetime({ offset: true });

const coursePriceSetPayload = z.object({
  courseId: z.uuid(),
  price: z.object({ amountMinor: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) }).nullable(),
  setAt: timestamp,
});

const orderItem = z.object({ kind: z.string(), courseId: z.uuid().nullable() });

const orderPaidPayload = z.object({ orderId: z.uuid(), userId: z.uuid(), paidAt: timestamp, items: z.array(orderItem) });

const orderRefundedPayload = z.object({ orderId: z.uuid(), userId: z.uuid(), refundedAt: timestamp, items: z.array(orderItem) });

/** The courses of an order's COURSE_ACCESS items. */
function courseAccess(items: z.infer<typeof orderItem>[]): string[] {
  return items.flatMap((item) => {
    if (item.kind !== 'COURSE_ACCESS') return [];
    if (!item.courseId) throw new Error('a COURSE_ACCESS item without a courseId');
    return [item.courseId.toLowerCase()];
  });
}

function handlers(logger: Logger): Record<string, EventHandler<LearningDatabase>> {
  return {
    CoursePriceSet: (event, trx) => {
      const payload = coursePriceSetPayload.parse(event.payload);
      return applyCoursePriceSet(trx, { courseId: payload.courseId.toLowerCase(), price: payload.price, setAt: new Date(payload.setAt) });
    },
    OrderPaid: async (event, trx) => {
      const payload = orderPaidPayload.parse(event.payload);
      const unknown = await grantOrderAccess(trx, { orderId: payload.orderId, userId: payload.userId, courseIds: courseAccess(payload.items) });
      // Commerce sells only courses learning published; one it does not know is reported, not retried forever.
      if (unknown.length > 0) logger.warn('paid order names courses learning does not know', { eventId: event.eventId, orderId: payload.orderId, courseIds: unknown });
    },
    OrderRefunded: async (event, trx) => {
      const payload = orderRefundedPayload.parse(event.payload);
      await endOrderAccess(trx, {
        orderId: payload.orderId,
        userId: payload.userId,
        courseIds: courseAccess(payload.items),
        refundedAt: new Date(payload.refundedAt),
      });
    },
  };
}

/**
 * The consumer of commerce's domain events. Each event is handled at most once (the kit records
 * it in learning.processed_events in the handler's transaction) and at least once (the
 * checkpoint moves only past committed events), so a paid order grants its courses exactly once.
 */
export function createCommerceEventConsumer(options: {
  db: Kysely<LearningDatabase>;
  /** Where to LISTEN for commerce's announcements (the subgraph's own role); without it, polling only. */
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
}): EventConsumer {
  return createEventConsumer<LearningDatabase>({
    name: COMMERCE_CONSUMER,
    source: 'commerce',
    schema: 'learning',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    batchSize: options.batchSize,
    handlers: handlers(options.logger),
  });
}
