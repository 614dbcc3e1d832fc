import { sql, type Kysely, type Transaction } from 'kysely';
import type { ChatMemberRole, ChatMessage, CommunityDatabase } from '../db/database.js';

type Db = Kysely<CommunityDatabase> | Transaction<CommunityDatabase>;

/** Why community.send_message refused to store a message (see storeMessage). */
export class MessageRefused extends Error {
  constructor(
    readonly reason: 'muted' | 'already-sent',
    /** Until when the sender is muted (reason `muted`). */
    readonly mutedUntil: Date | null = null,
  ) {
    super(reason === 'muted' ? 'the sender is muted in the room' : 'the sender already sent this client message id to the room');
  }
}

/**
 * Stores a message in one statement (community.send_message): takes the room's next sequence
 * number, checks the sender's mute, inserts the message and moves the sender's read pointer to
 * it. null when the room does not exist or, with `checkMembership`, the sender is not a member.
 * Throws MessageRefused when the sender is muted, or already sent a message with this client
 * message id to the room; nothing is stored then, and the sequence number is given back.
 *
 * The room's row lock is held only while the statement runs: concurrent senders queue on it,
 * each gets the next number, and a number is only ever visible once its message is committed,
 * so sequences are gapless and commit in order.
 */
export async function storeMessage(
  db: Kysely<CommunityDatabase>,
  message: { roomId: string; senderId: string; content: string; clientMessageId: string | null; checkMembership: boolean },
): Promise<ChatMessage | null> {
  try {
    const { rows } = await sql<ChatMessage>`
      SELECT * FROM community.send_message(${message.roomId}, ${message.senderId}, ${message.content}, ${message.clientMessageId}, ${message.checkMembership})`.execute(db);
    return rows[0] ?? null;
  } catch (error) {
    const { code, detail } = error as { code?: unknown; detail?: unknown };
    if (code === 'CM001') throw new MessageRefused('muted', typeof detail === 'string' ? new Date(detail) : null);
    if (code === 'CM002') throw new MessageRefused('already-sent');
    throw error;
  }
}

/** The message a sender already sent to the room under this client message id, if any. */
export async function findMessageByClientId(db: Db, roomId: string, senderId: string, clientMessageId: string): Promise<ChatMessage | null> {
  const row = await db
    .selectFrom('community.chat_messages')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('sender_id', '=', senderId)
    .where('client_message_id', '=', clientMessageId)
    .executeTakeFirst();
  return row ?? null;
}

export async function findMessagesByIds(db: Db, ids: readonly string[]): Promise<ChatMessage[]> {
  return db.selectFrom('community.chat_messages').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** The room's messages with a sequence strictly between `after` and `before`, oldest first. */
export async function findMessagesBetween(db: Db, roomId: string, after: number, before: number): Promise<ChatMessage[]> {
  return db
    .selectFrom('community.chat_messages')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('sequence', '>', after)
    .where('sequence', '<', before)
    .orderBy('sequence')
    .execute();
}

/** The newest message of each room (rooms without messages are left out). */
export async function findLastMessagesOfRooms(db: Db, roomIds: readonly string[]): Promise<ChatMessage[]> {
  const { rows } = await sql<ChatMessage>`
    SELECT last.* FROM unnest(${roomIds}::uuid[]) AS k(room_id)
    JOIN LATERAL (
      SELECT * FROM community.chat_messages m WHERE m.room_id = k.room_id ORDER BY m.sequence DESC LIMIT 1
    ) last ON true`.execute(db);
  return rows;
}

/** One page of a room's history: up to `limit` messages before `before` (a sequence), newest first. */
export interface MessagePage {
  before: number | null;
  limit: number;
}

/** A request for one page of a room's history. */
export interface MessagePageKey extends MessagePage {
  roomId: string;
}

/**
 * Pages of history for any number of rooms in one statement. Each page has up to `limit + 1`
 * rows, newest first: the extra row only tells that older messages exist.
 */
export async function findMessagePages(db: Db, keys: readonly MessagePageKey[]): Promise<ChatMessage[][]> {
  const { rows } = await sql<ChatMessage & { key_index: number }>`
    SELECT k.key_index::int AS key_index, page.*
    FROM unnest(${keys.map((k) => k.roomId)}::uuid[], ${keys.map((k) => k.before)}::bigint[], ${keys.map((k) => k.limit)}::int[])
      WITH ORDINALITY AS k(room_id, before, row_limit, key_index)
    JOIN LATERAL (
      SELECT * FROM community.chat_messages m
      WHERE m.room_id = k.room_id AND (k.before IS NULL OR m.sequence < k.before)
      ORDER BY m.sequence DESC
      LIMIT k.row_limit + 1
    ) page ON true
    ORDER BY k.key_index, page.sequence DESC`.execute(db);
  const pages: ChatMessage[][] = keys.map(() => []);
  for (const { key_index, ...message } of rows) pages[key_index - 1]!.push(message);
  return pages;
}

/** Up to `limit` messages after `afterSequence`, oldest first, for a reader whose access is not membership (a partner client). */
export async function findMessagesAfter(db: Db, roomId: string, afterSequence: number, limit: number): Promise<ChatMessage[]> {
  return db
    .selectFrom('community.chat_messages')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('sequence', '>', afterSequence)
    .orderBy('sequence')
    .limit(limit)
    .execute();
}

/**
 * Up to `limit` messages after `afterSequence`, oldest first, for a reader who must be a member:
 * membership and messages are read in one statement, so every message returned was readable
 * to a member at one instant. `isMember` false comes with no messages.
 */
export async function findMessagesAfterForMember(
  db: Db,
  roomId: string,
  userId: string,
  afterSequence: number,
  limit: number,
): Promise<{ isMember: boolean; messages: ChatMessage[] }> {
  const { rows } = await sql<{ is_member: boolean } & { [K in keyof ChatMessage]: ChatMessage[K] | null }>`
    SELECT mem.user_id IS NOT NULL AS is_member, msg.*
    FROM (SELECT 1) AS one
    LEFT JOIN community.chat_room_members mem ON mem.room_id = ${roomId} AND mem.user_id = ${userId}
    LEFT JOIN LATERAL (
      SELECT * FROM community.chat_messages m
      WHERE mem.user_id IS NOT NULL AND m.room_id = ${roomId} AND m.sequence > ${afterSequence}
      ORDER BY m.sequence
      LIMIT ${limit}
    ) msg ON true
    ORDER BY msg.sequence`.execute(db);
  const isMember = rows[0]?.is_member ?? false;
  const messages = rows.filter((r) => r.id !== null).map(({ is_member: _member, ...message }) => message as ChatMessage);
  return { isMember, messages };
}

/** A message with the role in its room of the user about to change it (null: not a member), locked for the change. */
export async function lockMessageForChange(
  trx: Transaction<CommunityDatabase>,
  messageId: string,
  actorId: string,
): Promise<{ message: ChatMessage; actorRole: ChatMemberRole | null } | null> {
  const { rows } = await sql<ChatMessage & { actor_role: ChatMemberRole | null }>`
    SELECT m.*, mem.role AS actor_role
    FROM community.chat_messages m
    LEFT JOIN community.chat_room_members mem ON mem.room_id = m.room_id AND mem.user_id = ${actorId}
    WHERE m.id = ${messageId}
    FOR UPDATE OF m`.execute(trx);
  const row = rows[0];
  if (!row) return null;
  const { actor_role, ...message } = row;
  return { message, actorRole: actor_role };
}

/** Replaces a message's text and stamps the edit. */
export async function updateMessageContent(trx: Transaction<CommunityDatabase>, messageId: string, content: string): Promise<ChatMessage> {
  return trx
    .updateTable('community.chat_messages')
    .set({ content, edited_at: sql<Date>`now()` })
    .where('id', '=', messageId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Erases a message's content and records who did; it keeps its place (sequence) in the room. */
export async function markMessageDeleted(trx: Transaction<CommunityDatabase>, messageId: string, deletedBy: string): Promise<ChatMessage> {
  return trx
    .updateTable('community.chat_messages')
    .set({ content: '', deleted_at: sql<Date>`now()`, edited_at: sql<Date>`now()`, deleted_by: deletedBy })
    .where('id', '=', messageId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Where a replay of deletions stands: the last one read. */
export interface DeletionKey {
  deletedAt: Date;
  id: string;
}

/**
 * Up to `limit` of the room's deleted messages, in the order they were deleted (then by id),
 * deleted at or after `since` and after `after` (the last one of the previous page).
 */
export async function findDeletedMessagesSince(db: Db, roomId: string, since: Date, after: DeletionKey | null, limit: number): Promise<ChatMessage[]> {
  let query = db
    .selectFrom('community.chat_messages')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('deleted_at', '>=', since);
  if (after) query = query.where(sql<boolean>`(deleted_at, id) > (${after.deletedAt}, ${after.id}::uuid)`);
  return query.orderBy('deleted_at').orderBy('id').limit(limit).execute();
}
