// How a consumer turns another subgraph's domain events into analytics events: per event type,
// the analytics name, the part of the payload relied on (checked, not trusted: an event of
// another shape fails and is retried rather than storing a wrong row) and whose event it is.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { AiAnalyticsDatabase } from '../db/database.js';
import { recordDomainEvent } from '../services/analytics-event.service.js';

/** One event type as an analytics event: its name, and how its payload is read. */
export interface AnalyticsMapping {
  /** The analytics event's name, e.g. enrollment.created. */
  name: string;
  /** Checks the payload; gives the user it is about (or null) and the properties to keep. */
  read(payload: unknown): { userId: string | null; properties: Record<string, unknown> };
}

/**
 * Declares how one event type is recorded: `payload` lists the fields relied on (they become
 * the analytics event's properties), `userId` picks the user the event is about, or null.
 */
export function mapping<S extends z.ZodType<Record<string, unknown>>>(m: {
  name: string;
  payload: S;
  userId: (payload: z.output<S>) => string | null;
}): AnalyticsMapping {
  return {
    name: m.name,
    read(raw) {
      const payload = m.payload.parse(raw);
      return { userId: m.userId(payload), properties: payload };
    },
  };
}

/** A handler per event type, each recording the event once, at the time it happened. */
export function recordingHandlers(mappings: Record<string, AnalyticsMapping>): Record<string, EventHandler<AiAnalyticsDatabase>> {
  return Object.fromEntries(
    Object.entries(mappings).map(([type, m]) => {
      const handler: EventHandler<AiAnalyticsDatabase> = (event, trx) => {
        const { userId, properties } = m.read(event.payload);
        return recordDomainEvent(trx, { sourceEventId: event.eventId, name: m.name, userId, occurredAt: event.occurredAt, properties });
      };
      return [type, handler];
    }),
  );
}

/** What every recording consumer is built from. */
export interface RecordingConsumerOptions {
  db: Kysely<AiAnalyticsDatabase>;
  /** Where to LISTEN for the source's announcements (the subgraph's own role); without it, polling only. */
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
}

/**
 * A consumer of `source`'s outbox recording each mapped event as one analytics event: handled
 * at most once (the kit records it in ai_analytics.processed_events in the handler's
 * transaction) and at least once (the checkpoint moves only past committed events).
 */
export function createRecordingConsumer(
  name: string,
  source: string,
  mappings: Record<string, AnalyticsMapping>,
  options: RecordingConsumerOptions,
): EventConsumer {
  return createEventConsumer<AiAnalyticsDatabase>({
    name,
    source,
    schema: 'ai_analytics',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    handlers: recordingHandlers(mappings),
  });
}
