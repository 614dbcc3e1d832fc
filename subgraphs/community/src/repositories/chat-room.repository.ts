import { sql, type Kysely, type Transaction } from 'kysely';
import type { ChatMemberRole, ChatMessage, ChatRoom, ChatRoomKind, ChatRoomMember, CommunityDatabase } from '../db/database.js';
import type { MessagePage } from './chat-message.repository.js';

type Db = Kysely<CommunityDatabase> | Transaction<CommunityDatabase>;

/** The rooms each user is a member of, most recently joined first. */
export async function findRoomsOfUsers(
  db: Db,
  userIds: readonly string[],
): Promise<(ChatRoom & { member_user_id: string })[]> {
  return db
    .selectFrom('community.chat_room_members as m')
    .innerJoin('community.chat_rooms as r', 'r.id', 'm.room_id')
    .selectAll('r')
    .select('m.user_id as member_user_id')
    .where('m.user_id', '=', sql<string>`ANY(${userIds}::uuid[])`)
    .orderBy('m.joined_at', 'desc')
    .orderBy('r.id')
    .execute();
}

export async function findRoomsByIds(db: Db, ids: readonly string[]): Promise<ChatRoom[]> {
  return db.selectFrom('community.chat_rooms').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** The rooms of training sessions (at most one per session). */
export async function findRoomsBySessionIds(db: Db, sessionIds: readonly string[]): Promise<ChatRoom[]> {
  return db.selectFrom('community.chat_rooms').selectAll().where('session_id', '=', sql<string>`ANY(${sessionIds}::uuid[])`).execute();
}

export async function findMembersOfRooms(db: Db, roomIds: readonly string[]): Promise<ChatRoomMember[]> {
  return db
    .selectFrom('community.chat_room_members')
    .selectAll()
    .where('room_id', '=', sql<string>`ANY(${roomIds}::uuid[])`)
    .orderBy('joined_at')
    .orderBy('user_id')
    .execute();
}

/** One user's memberships among the given rooms. */
export async function findMembershipsOfUser(db: Db, userId: string, roomIds: readonly string[]): Promise<ChatRoomMember[]> {
  return db
    .selectFrom('community.chat_room_members')
    .selectAll()
    .where('user_id', '=', userId)
    .where('room_id', '=', sql<string>`ANY(${roomIds}::uuid[])`)
    .execute();
}

/** A user's membership of a room, or null. */
export async function findMembership(db: Db, roomId: string, userId: string): Promise<ChatRoomMember | null> {
  const row = await db.selectFrom('community.chat_room_members').selectAll().where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
  return row ?? null;
}

/** Which of `userIds` are members of the room now. */
export async function findMemberIdsAmong(db: Db, roomId: string, userIds: readonly string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('community.chat_room_members')
    .select('user_id')
    .where('room_id', '=', roomId)
    .where('user_id', '=', sql<string>`ANY(${userIds}::uuid[])`)
    .execute();
  return rows.map((r) => r.user_id);
}

export async function roomExists(db: Db, roomId: string): Promise<boolean> {
  const row = await db.selectFrom('community.chat_rooms').select('id').where('id', '=', roomId).executeTakeFirst();
  return row !== undefined;
}

/**
 * Locks a room for a change of its membership: members change one at a time per room, so
 * rules over all members (the last OWNER stays) hold under concurrent changes.
 */
export async function lockRoom(trx: Transaction<CommunityDatabase>, roomId: string): Promise<ChatRoom | null> {
  const row = await trx.selectFrom('community.chat_rooms').selectAll().where('id', '=', roomId).forNoKeyUpdate().executeTakeFirst();
  return row ?? null;
}

/** Stores a new room (not a direct one: see insertDirectRoomIfAbsent). */
export async function insertRoom(
  trx: Transaction<CommunityDatabase>,
  room: { name: string | null; kind: ChatRoomKind; createdBy: string },
): Promise<ChatRoom> {
  return trx
    .insertInto('community.chat_rooms')
    .values({ name: room.name, kind: room.kind, created_by: room.createdBy, session_id: null, direct_user_low: null, direct_user_high: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Creates the direct room of two users unless it exists; null when it does (possibly created
 * by a concurrent transaction, which this one then waited for).
 */
export async function insertDirectRoomIfAbsent(
  trx: Transaction<CommunityDatabase>,
  createdBy: string,
  otherUserId: string,
): Promise<ChatRoom | null> {
  const { rows } = await sql<ChatRoom>`
    INSERT INTO community.chat_rooms (name, kind, created_by, direct_user_low, direct_user_high)
    VALUES (NULL, 'DIRECT', ${createdBy}, LEAST(${createdBy}::uuid, ${otherUserId}::uuid), GREATEST(${createdBy}::uuid, ${otherUserId}::uuid))
    ON CONFLICT (direct_user_low, direct_user_high) DO NOTHING
    RETURNING *`.execute(trx);
  return rows[0] ?? null;
}

/** The direct room of two users (in either order), or null. */
export async function findDirectRoom(db: Db, userA: string, userB: string): Promise<ChatRoom | null> {
  const row = await db
    .selectFrom('community.chat_rooms')
    .selectAll()
    .where('direct_user_low', '=', sql<string>`LEAST(${userA}::uuid, ${userB}::uuid)`)
    .where('direct_user_high', '=', sql<string>`GREATEST(${userA}::uuid, ${userB}::uuid)`)
    .executeTakeFirst();
  return row ?? null;
}

/** Adds members; those already in the room are left as they are. Returns the ones added. */
export async function addMembers(
  trx: Transaction<CommunityDatabase>,
  roomId: string,
  members: readonly { userId: string; role: ChatMemberRole }[],
): Promise<ChatRoomMember[]> {
  if (members.length === 0) return [];
  return trx
    .insertInto('community.chat_room_members')
    .values(members.map((m) => ({ room_id: roomId, user_id: m.userId, role: m.role })))
    .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
    .returningAll()
    .execute();
}

export async function updateMemberRole(trx: Transaction<CommunityDatabase>, roomId: string, userId: string, role: ChatMemberRole): Promise<void> {
  await trx.updateTable('community.chat_room_members').set({ role }).where('room_id', '=', roomId).where('user_id', '=', userId).execute();
}

export async function deleteMember(trx: Transaction<CommunityDatabase>, roomId: string, userId: string): Promise<void> {
  await trx.deleteFrom('community.chat_room_members').where('room_id', '=', roomId).where('user_id', '=', userId).execute();
}

/** How many OWNERs the room has. */
export async function countOwners(db: Db, roomId: string): Promise<number> {
  const row = await db
    .selectFrom('community.chat_room_members')
    .select(sql<number>`count(*)::int`.as('owners'))
    .where('room_id', '=', roomId)
    .where('role', '=', 'OWNER')
    .executeTakeFirstOrThrow();
  return row.owners;
}

/**
 * Moves a member's read pointer forward to `upToSequence` (never past the newest message, never
 * backwards). False when the user is not a member.
 */
export async function advanceReadPointer(db: Db, roomId: string, userId: string, upToSequence: number): Promise<boolean> {
  const { rows } = await sql<{ last_read_sequence: number }>`
    UPDATE community.chat_room_members m
    SET last_read_sequence = GREATEST(m.last_read_sequence, LEAST(${upToSequence}::bigint, r.last_sequence))
    FROM community.chat_rooms r
    WHERE r.id = m.room_id AND m.room_id = ${roomId} AND m.user_id = ${userId}
    RETURNING m.last_read_sequence`.execute(db);
  return rows.length > 0;
}

/** Per room, the messages of others (not deleted) after the user's read pointer. */
export async function countUnreadMessages(db: Db, userId: string, roomIds: readonly string[]): Promise<{ room_id: string; unread: number }[]> {
  const { rows } = await sql<{ room_id: string; unread: number }>`
    SELECT m.room_id, count(msg.id)::int AS unread
    FROM community.chat_room_members m
    JOIN community.chat_messages msg
      ON msg.room_id = m.room_id AND msg.sequence > m.last_read_sequence
     AND msg.sender_id IS DISTINCT FROM m.user_id AND msg.deleted_at IS NULL
    WHERE m.user_id = ${userId} AND m.room_id = ANY(${roomIds}::uuid[])
    GROUP BY m.room_id`.execute(db);
  return rows;
}

/**
 * Where a live feed of the room starts for a user: the newest sequence and whether the user
 * is a member, read together. null when the room does not exist.
 */
export async function findFeedStart(db: Db, roomId: string, userId: string): Promise<{ lastSequence: number; isMember: boolean } | null> {
  const row = await db
    .selectFrom('community.chat_rooms as r')
    .select((eb) => [
      'r.last_sequence',
      eb
        .exists(eb.selectFrom('community.chat_room_members as m').select('m.user_id').whereRef('m.room_id', '=', 'r.id').where('m.user_id', '=', userId))
        .as('is_member'),
    ])
    .where('r.id', '=', roomId)
    .executeTakeFirst();
  return row ? { lastSequence: row.last_sequence, isMember: Boolean(row.is_member) } : null;
}

/** A room as its page shows it to one member: the room, the viewer's membership and, if asked, a page of history. */
export interface RoomForViewer {
  room: ChatRoom | null;
  membership: ChatRoomMember | null;
  /** Up to `limit + 1` messages before `before`, newest first (the extra one tells that older ones exist); null unless asked and a member. */
  page: ChatMessage[] | null;
}

/**
 * The room, the viewer's membership and (when a page is asked for) its messages, in one
 * statement: a chat screen is one read of the database, not three.
 */
export async function findRoomForViewer(
  db: Db,
  roomId: string,
  userId: string,
  page: MessagePage | null,
): Promise<RoomForViewer> {
  const { rows } = await sql<ChatRoom & { membership: ChatRoomMember | null; page: ChatMessage[] | null }>`
    SELECT r.*, to_json(mem) AS membership,
      CASE WHEN ${page !== null} AND mem.user_id IS NOT NULL THEN (
        SELECT COALESCE(json_agg(p ORDER BY p.sequence DESC), '[]'::json)
        FROM (
          SELECT * FROM community.chat_messages m
          WHERE m.room_id = r.id AND (${page?.before ?? null}::bigint IS NULL OR m.sequence < ${page?.before ?? null}::bigint)
          ORDER BY m.sequence DESC
          LIMIT ${(page?.limit ?? 0) + 1}
        ) p
      ) END AS page
    FROM community.chat_rooms r
    LEFT JOIN community.chat_room_members mem ON mem.room_id = r.id AND mem.user_id = ${userId}
    WHERE r.id = ${roomId}`.execute(db);
  const row = rows[0];
  if (!row) return { room: null, membership: null, page: null };
  const { membership, page: messages, ...room } = row;
  // JSON has no dates: the nested rows' timestamps become Dates again, as in every other row.
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return {
    room,
    membership: membership && { ...membership, joined_at: date(membership.joined_at)! },
    page:
      messages &&
      messages.map((m) => ({ ...m, sent_at: date(m.sent_at)!, edited_at: date(m.edited_at), deleted_at: date(m.deleted_at) })),
  };
}
