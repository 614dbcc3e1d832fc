import { defineLoaders, groupedLoader, isUuid, keyedLoader } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { AiAnalyticsDatabase } from '../db/database.js';
import { listTipsOfTopics } from '../repositories/coaching-tip.repository.js';
import { findMessagesOfConversations } from '../repositories/conversation.repository.js';
import { findScheduledEvents, listTasksOfEvents } from '../repositories/event-task.repository.js';

/** Keys that are not UUIDs find nothing, without a query that PostgreSQL would refuse. */
const uuids = (keys: readonly string[]) => keys.filter(isUuid);

/** The per-request DataLoaders of the ai-analytics subgraph. */
const makeLoaders = defineLoaders<{ db: Kysely<AiAnalyticsDatabase> }>()({
  /** Each topic's coaching tips, in the order linked. */
  tipsByTopic: ({ db }) => groupedLoader((ids: readonly string[]) => listTipsOfTopics(db, uuids(ids)), (tip) => tip.topic_id),
  /** ai-analytics' copy of an event, or null before EventScheduled arrived. */
  scheduledEventById: ({ db }) => keyedLoader((ids: readonly string[]) => findScheduledEvents(db, uuids(ids)), (event) => event.event_id),
  /** Each event's accepted tasks, soonest due first. */
  acceptedTasksByEvent: ({ db }) => groupedLoader((ids: readonly string[]) => listTasksOfEvents(db, uuids(ids), false), (task) => task.event_id),
  /** A conversation's messages, in order. */
  messagesOfConversation: ({ db }) => groupedLoader((ids: readonly string[]) => findMessagesOfConversations(db, ids), (m) => m.conversation_id),
});

export function createLoaders(db: Kysely<AiAnalyticsDatabase>) {
  return makeLoaders({ db });
}

export type Loaders = ReturnType<typeof createLoaders>;
