// What community takes from commerce's outbox: refund decisions, as notifications to the customer.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CommunityDatabase } from '../db/database.js';
import type { LiveEvents } from '../live/live-events.js';
import { applyRefundDecided } from '../services/event-notifications.service.js';
import type { DeliverySettings } from '../services/notification-delivery.service.js';
import { AfterCommit } from './after-commit.js';

/** The consumer's name in community.event_checkpoints and processed_events: never rename it, or it starts over. */
export const COMMERCE_CONSUMER = 'community.commerce';

// commerce's agreed `RefundDecided` payload as this consumer relies on it (checked, not trusted).
const id = z.uuid().transform((value) => value.toLowerCase());
const amount = z.object({ amountMinor: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) });
const refundDecided = z.object({
  refundId: id,
  orderId: id,
  reference: z.string().min(1).max(64),
  userId: id,
  approved: z.boolean(),
  amount,
  fee: amount,
  net: amount,
});

export function createCommerceEventConsumer(options: {
  db: Kysely<CommunityDatabase>;
  settings: DeliverySettings;
  live: LiveEvents | null;
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
}): EventConsumer {
  const { settings } = options;
  const after = new AfterCommit(options.live);
  return createEventConsumer<CommunityDatabase>({
    name: COMMERCE_CONSUMER,
    source: 'commerce',
    schema: 'community',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    onHandled: after.announce,
    handlers: {
      RefundDecided: after.handler((event, trx) => applyRefundDecided(trx, settings, refundDecided.parse(event.payload))),
    },
  });
}
