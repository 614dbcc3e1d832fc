// What ai-analytics takes from identity's outbox: each new account, as one analytics event.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AiAnalyticsDatabase } from '../db/database.js';
import { recordUserRegistration } from '../services/analytics-event.service.js';

/** The consumer's name in ai_analytics.event_checkpoints and processed_events: never rename it, or it starts over. */
export const IDENTITY_CONSUMER = 'ai-analytics.identity';

/**
 * identity's `UserRegistered` payload as this consumer relies on it. Checked, not trusted: an
 * event of another shape fails (and is retried) rather than storing a wrong row.
 */
const userRegisteredPayload = z.object({
  userId: z.uuid(),
  roles: z.array(z.string()),
  registeredAt: z.iso.datetime({ offset: true }),
});

const onUserRegistered: EventHandler<AiAnalyticsDatabase> = (event, trx) => {
  const payload = userRegisteredPayload.parse(event.payload);
  return recordUserRegistration(trx, {
    eventId: event.eventId,
    userId: payload.userId,
    roles: payload.roles,
    registeredAt: new Date(payload.registeredAt),
  });
};

/**
 * The consumer of identity's domain events. Each event is handled at most once (the kit records
 * it in ai_analytics.processed_events in the handler's transaction) and at least once (the
 * checkpoint moves only past committed events), so every registration becomes exactly one row.
 */
export function createIdentityEventConsumer(options: {
  db: Kysely<AiAnalyticsDatabase>;
  /** Where to LISTEN for identity's announcements (the subgraph's own role); without it, polling only. */
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
}): EventConsumer {
  return createEventConsumer<AiAnalyticsDatabase>({
    name: IDENTITY_CONSUMER,
    source: 'identity',
    schema: 'ai_analytics',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    handlers: { UserRegistered: onUserRegistered },
  });
}
