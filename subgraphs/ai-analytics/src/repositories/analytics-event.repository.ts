import type { Kysely, Transaction } from 'kysely';
import type { AiAnalyticsDatabase, NewAnalyticsEvent } from '../db/database.js';

/**
 * Stores events in one statement; returns how many were newly stored. An event whose
 * (actor, client_event_id) or source_event_id is stored already is skipped, so a retry or a
 * replayed domain event adds nothing. The table's trigger adds the stored rows to the rollups
 * in the same statement.
 */
export async function insertAnalyticsEvents(
  db: Kysely<AiAnalyticsDatabase> | Transaction<AiAnalyticsDatabase>,
  events: NewAnalyticsEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  const result = await db
    .insertInto('ai_analytics.analytics_events')
    .values(events)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
