import { sql, type Kysely, type Transaction } from 'kysely';
import type { AiAnalyticsDatabase, AiConversation, AiMessage, NewAiMessage } from '../db/database.js';

type Db = Kysely<AiAnalyticsDatabase> | Transaction<AiAnalyticsDatabase>;

export async function findConversation(db: Db, id: string): Promise<AiConversation | undefined> {
  return db.selectFrom('ai_analytics.ai_conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The conversation, locked until the transaction ends: turns of one conversation take their positions one at a time. */
export async function lockConversation(trx: Transaction<AiAnalyticsDatabase>, id: string): Promise<AiConversation | undefined> {
  return trx.selectFrom('ai_analytics.ai_conversations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertConversation(trx: Transaction<AiAnalyticsDatabase>, values: { user_id: string; title: string | null }): Promise<AiConversation> {
  return trx.insertInto('ai_analytics.ai_conversations').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function touchConversation(trx: Transaction<AiAnalyticsDatabase>, id: string): Promise<void> {
  await trx.updateTable('ai_analytics.ai_conversations').set({ updated_at: sql`now()` }).where('id', '=', id).execute();
}

/** A user's conversations, most recently active first. */
export async function listConversations(db: Db, userId: string, limit: number): Promise<AiConversation[]> {
  return db
    .selectFrom('ai_analytics.ai_conversations')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The messages of each conversation, in order; one statement for all. */
export async function findMessagesOfConversations(db: Db, conversationIds: readonly string[]): Promise<AiMessage[]> {
  if (conversationIds.length === 0) return [];
  return (await db
    .selectFrom('ai_analytics.ai_messages')
    .selectAll()
    .where('conversation_id', 'in', conversationIds)
    .orderBy('conversation_id')
    .orderBy('position')
    .execute()) as AiMessage[];
}

/** The last `count` messages of a conversation, oldest first. */
export async function findLastMessages(db: Db, conversationId: string, count: number): Promise<AiMessage[]> {
  const rows = (await db
    .selectFrom('ai_analytics.ai_messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('position', 'desc')
    .limit(count)
    .execute()) as AiMessage[];
  return rows.reverse();
}

/** The position after a conversation's last message (1 for none); call under the conversation's lock. */
export async function nextMessagePosition(trx: Transaction<AiAnalyticsDatabase>, conversationId: string): Promise<number> {
  const row = await trx
    .selectFrom('ai_analytics.ai_messages')
    .select((eb) => eb.fn.coalesce(eb.fn.max('position'), sql<number>`0`).as('last'))
    .where('conversation_id', '=', conversationId)
    .executeTakeFirstOrThrow();
  return Number(row.last) + 1;
}

export async function insertMessages(trx: Transaction<AiAnalyticsDatabase>, messages: NewAiMessage[]): Promise<AiMessage[]> {
  return (await trx.insertInto('ai_analytics.ai_messages').values(messages).returningAll().execute()) as AiMessage[];
}
