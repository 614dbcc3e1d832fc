import { groupedLoader } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { AiAnalyticsDatabase } from '../db/database.js';
import { findMessagesOfConversations } from '../repositories/conversation.repository.js';

/** The per-request loaders: each list of a request's entities in one statement. */
export function createLoaders(db: Kysely<AiAnalyticsDatabase>) {
  return {
    /** A conversation's messages, in order. */
    messagesOfConversation: groupedLoader((ids: readonly string[]) => findMessagesOfConversations(db, ids), (m) => m.conversation_id),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
