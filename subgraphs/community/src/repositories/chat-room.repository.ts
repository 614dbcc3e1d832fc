import { sql, type Kysely } from 'kysely';
import type { ChatRoom, ChatRoomMember, CommunityDatabase } from '../db/database.js';

/** The rooms each user is a member of, most recently joined first. */
export async function findRoomsOfUsers(
  db: Kysely<CommunityDatabase>,
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

export async function findRoomsByIds(db: Kysely<CommunityDatabase>, ids: readonly string[]): Promise<ChatRoom[]> {
  return db.selectFrom('community.chat_rooms').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

export async function findMembersOfRooms(db: Kysely<CommunityDatabase>, roomIds: readonly string[]): Promise<ChatRoomMember[]> {
  return db
    .selectFrom('community.chat_room_members')
    .selectAll()
    .where('room_id', '=', sql<string>`ANY(${roomIds}::uuid[])`)
    .orderBy('joined_at')
    .orderBy('user_id')
    .execute();
}
