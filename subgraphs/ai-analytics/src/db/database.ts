import type { Insertable, Selectable } from 'kysely';
import type { AiAnalyticsAnalyticsEvents, DB } from '../generated/tables.js';

/** The ai-analytics subgraph's tables (its own schema only), as the migrations build them. */
export type AiAnalyticsDatabase = DB;

export type AnalyticsEvent = Selectable<AiAnalyticsAnalyticsEvents>;
export type NewAnalyticsEvent = Insertable<AiAnalyticsAnalyticsEvents>;
