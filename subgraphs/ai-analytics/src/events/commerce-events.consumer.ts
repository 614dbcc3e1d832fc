// What ai-analytics takes from commerce's outbox: each domain event, as one analytics event.
// Amounts are kept (revenue is a figure analysts ask for); payment details never travel.
import type { EventConsumer } from '@academy/service-kit/events';
import { z } from 'zod';
import { createRecordingConsumer, mapping, type AnalyticsMapping, type RecordingConsumerOptions } from './domain-event-recording.js';

/** The consumer's name in ai_analytics.event_checkpoints and processed_events: never rename it, or it starts over. */
export const COMMERCE_CONSUMER = 'ai-analytics.commerce';

const money = z.object({ amountMinor: z.number().int(), currency: z.string() });
const item = z.object({ kind: z.string(), quantity: z.number().int(), courseId: z.uuid().nullable(), sessionId: z.uuid().nullable() });
const order = z.object({ orderId: z.uuid(), userId: z.uuid(), items: z.array(item) });

/** commerce's events (subgraphs/commerce/src/events/published.ts) and the analytics events they become. */
export const COMMERCE_EVENTS: Record<string, AnalyticsMapping> = {
  CoursePriceSet: mapping({ name: 'course_price.set', payload: z.object({ courseId: z.uuid(), price: money.nullable() }), userId: () => null }),
  OrderPaid: mapping({ name: 'order.paid', payload: order, userId: (p) => p.userId }),
  OrderRefunded: mapping({ name: 'order.refunded', payload: order.extend({ refundId: z.uuid(), full: z.boolean() }), userId: (p) => p.userId }),
  OrderCancelled: mapping({ name: 'order.cancelled', payload: order.extend({ reason: z.string() }), userId: (p) => p.userId }),
  RefundDecided: mapping({
    name: 'refund.decided',
    payload: z.object({ refundId: z.uuid(), orderId: z.uuid(), userId: z.uuid(), approved: z.boolean(), amount: money }),
    userId: (p) => p.userId,
  }),
};

/** The consumer of commerce's domain events. */
export function createCommerceEventConsumer(options: RecordingConsumerOptions): EventConsumer {
  return createRecordingConsumer(COMMERCE_CONSUMER, 'commerce', COMMERCE_EVENTS, options);
}
