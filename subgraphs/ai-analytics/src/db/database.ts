import type { Insertable, Selectable } from 'kysely';
import type { AiAnalyticsAiConversations, AiAnalyticsAiMessages, AiAnalyticsAiUsage, AiAnalyticsAnalyticsEvents, AiAnalyticsCourseDocuments, DB } from '../generated/tables.js';

/** The ai-analytics subgraph's tables (its own schema only), as the migrations build them. */
export type AiAnalyticsDatabase = DB;

export type AnalyticsEvent = Selectable<AiAnalyticsAnalyticsEvents>;
export type NewAnalyticsEvent = Insertable<AiAnalyticsAnalyticsEvents>;

/** A course as the assistant knows it (from learning's course events). */
export type CourseDocument = Selectable<AiAnalyticsCourseDocuments>;
export type NewCourseDocument = Insertable<AiAnalyticsCourseDocuments>;

export type AiConversation = Selectable<AiAnalyticsAiConversations>;
export type AiMessageRole = 'USER' | 'ASSISTANT' | 'SYSTEM';
/** A stored message; `citations` are course ids, in the order the answer gives them. */
export type AiMessage = Omit<Selectable<AiAnalyticsAiMessages>, 'role'> & { role: AiMessageRole };
export type NewAiMessage = Insertable<AiAnalyticsAiMessages>;

/** One user's usage on one UTC day (day as YYYY-MM-DD). */
export type AiUsageDayModel = Selectable<AiAnalyticsAiUsage>;

/** Another subgraph's entity, referred to by id. */
export interface EntityReference {
  id: string;
}
