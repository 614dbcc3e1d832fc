import type { ColumnType, Generated } from 'kysely';

export interface AnalyticsEventsTable {
  id: Generated<number>;
  name: string;
  user_id: string | null;
  anonymous_id: string | null;
  occurred_at: Date;
  received_at: Generated<Date>;
  properties: ColumnType<Record<string, unknown>, string, string>;
}

/** The ai-analytics subgraph's tables: its own schema only. */
export interface AiAnalyticsDatabase {
  'ai_analytics.analytics_events': AnalyticsEventsTable;
}
