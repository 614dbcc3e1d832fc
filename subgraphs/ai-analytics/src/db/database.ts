import type { EntityReference } from '@academy/service-kit';
import type { Insertable, Selectable } from 'kysely';
import type {
  AiAnalyticsAiConversations,
  AiAnalyticsAiMessages,
  AiAnalyticsAiUsage,
  AiAnalyticsAnalyticsEvents,
  AiAnalyticsAnalyticsReports,
  AiAnalyticsCoachingTips,
  AiAnalyticsCourseCatalogue,
  AiAnalyticsCourseDocuments,
  AiAnalyticsEventTasks,
  AiAnalyticsScheduledEvents,
  DB,
} from '../generated/tables.js';

/** The ai-analytics subgraph's tables (its own schema only), as the migrations build them. */
export type AiAnalyticsDatabase = DB;

export type AnalyticsEvent = Selectable<AiAnalyticsAnalyticsEvents>;
export type NewAnalyticsEvent = Insertable<AiAnalyticsAnalyticsEvents>;

export type CoachingTipRow = Selectable<AiAnalyticsCoachingTips>;
/** A coaching tip as listed for one topic: the same tip under two topics is two of these. */
export type TopicTip = CoachingTipRow & { topic_id: string };

export type CatalogueCourse = Selectable<AiAnalyticsCourseCatalogue>;
export type ScheduledEvent = Selectable<AiAnalyticsScheduledEvents>;
export type EventTask = Selectable<AiAnalyticsEventTasks>;
export type NewEventTask = Insertable<AiAnalyticsEventTasks>;

export type TopicReference = EntityReference<'Topic'>;
export type CourseReference = EntityReference<'Course'>;
export type EventReference = EntityReference<'Event'>;

/** A user as the gateway sends it: `language` is there when recommendedCourses asked identity for it. */
export interface UserWithLanguage extends EntityReference<'User'> {
  language?: string | null;
}

/** A session's trainer, as far as scheduling tells it for `TrainingSession.coachingTips`. */
export interface TrainerWithUser {
  user: { id: string };
}

/** A session topic, as far as scheduling tells it: the catalogue topic's id, or null for a plain name. */
export interface SessionTopicReference {
  topic: { id: string } | null;
}

/** A training session as the gateway sends it for `coachingTips`: its trainer and topics come from scheduling. */
export interface TrainingSessionWithTopics extends EntityReference<'TrainingSession'> {
  trainer?: TrainerWithUser | null;
  topics?: SessionTopicReference[];
}

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

/** A saved analytics report with the snapshot of its last run. */
export type AnalyticsReportRow = Selectable<AiAnalyticsAnalyticsReports>;
export type NewAnalyticsReport = Insertable<AiAnalyticsAnalyticsReports>;
