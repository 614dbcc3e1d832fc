// The chat rooms of training sessions, kept by the consumer of scheduling's events.
import { sql, type Transaction } from 'kysely';
import type { ChatRoom, CommunityDatabase } from '../db/database.js';

/** The session's room, created unless it exists (the session's unique key makes this idempotent). */
export async function ensureSessionRoom(trx: Transaction<CommunityDatabase>, sessionId: string, name: string): Promise<ChatRoom> {
  const { rows } = await sql<ChatRoom>`
    INSERT INTO community.chat_rooms (name, kind, session_id)
    VALUES (${name}, 'SESSION', ${sessionId})
    ON CONFLICT (session_id) WHERE session_id IS NOT NULL DO UPDATE SET session_id = EXCLUDED.session_id
    RETURNING *`.execute(trx);
  const room = rows[0];
  if (!room) throw new Error(`the room of session ${sessionId} was neither created nor found`);
  return room;
}

/** Archives the session's room (once); null when the session has no room. */
export async function archiveSessionRoom(trx: Transaction<CommunityDatabase>, sessionId: string, at: Date): Promise<ChatRoom | null> {
  const { rows } = await sql<ChatRoom>`
    UPDATE community.chat_rooms SET archived_at = COALESCE(archived_at, ${at})
    WHERE session_id = ${sessionId} RETURNING *`.execute(trx);
  return rows[0] ?? null;
}

/** Removes a user from a room if their role is MEMBER (a trainer who moderates stays); whether they were removed. */
export async function removePlainMember(trx: Transaction<CommunityDatabase>, roomId: string, userId: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('community.chat_room_members')
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .where('role', '=', 'MEMBER')
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The room of a session, if it has one. */
export async function findSessionRoom(trx: Transaction<CommunityDatabase>, sessionId: string): Promise<ChatRoom | null> {
  return (await trx.selectFrom('community.chat_rooms').selectAll().where('session_id', '=', sessionId).executeTakeFirst()) ?? null;
}

/** Makes `userId` the room's MODERATOR (added, or raised from MEMBER; an OWNER stays OWNER). */
export async function addModerator(trx: Transaction<CommunityDatabase>, roomId: string, userId: string): Promise<void> {
  await sql`
    INSERT INTO community.chat_room_members (room_id, user_id, role) VALUES (${roomId}, ${userId}, 'MODERATOR')
    ON CONFLICT (room_id, user_id) DO UPDATE SET role = 'MODERATOR' WHERE community.chat_room_members.role = 'MEMBER'`.execute(trx);
}
