import type { Kysely, Transaction } from 'kysely';
import type { AiAnalyticsDatabase, NewAnalyticsEvent } from '../db/database.js';

/** Stores events in one statement; returns how many were stored. */
export async function insertAnalyticsEvents(
  db: Kysely<AiAnalyticsDatabase> | Transaction<AiAnalyticsDatabase>,
  events: NewAnalyticsEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  const result = await db.insertInto('ai_analytics.analytics_events').values(events).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
