// What ai-analytics takes from scheduling's outbox: each event's organizer and dates, for the
// tasks it proposes.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AiAnalyticsDatabase } from '../db/database.js';
import { recordScheduledEvent } from '../services/event-task.service.js';

/** The consumer's name in ai_analytics.event_checkpoints and processed_events: never rename it, or it starts over. */
export const SCHEDULING_CONSUMER = 'ai-analytics.scheduling';

/** scheduling's `EventScheduled` payload as this consumer relies on it. */
const eventScheduledPayload = z.object({
  eventId: z.uuid(),
  slug: z.string().min(1),
  name: z.string().min(1),
  organizerId: z.uuid(),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
});

const onEventScheduled: EventHandler<AiAnalyticsDatabase> = (event, trx) => {
  const p = eventScheduledPayload.parse(event.payload);
  return recordScheduledEvent(trx, {
    event_id: p.eventId,
    slug: p.slug,
    name: p.name,
    organizer_id: p.organizerId,
    starts_at: new Date(p.startsAt),
    ends_at: new Date(p.endsAt),
  });
};

/** The consumer of scheduling's domain events (at least once, each applied once: see the kit). */
export function createSchedulingEventConsumer(options: {
  db: Kysely<AiAnalyticsDatabase>;
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
}): EventConsumer {
  return createEventConsumer<AiAnalyticsDatabase>({
    name: SCHEDULING_CONSUMER,
    source: 'scheduling',
    schema: 'ai_analytics',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    handlers: { EventScheduled: onEventScheduled },
  });
}
