import { groupedLoader, keyedLoader } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';
import { findMembersOfRooms, findRoomsByIds, findRoomsOfUsers } from '../repositories/chat-room.repository.js';

/** The per-request DataLoaders of the community subgraph. */
export function createLoaders(db: Kysely<CommunityDatabase>) {
  return {
    roomById: keyedLoader((ids: readonly string[]) => findRoomsByIds(db, ids), (r) => r.id),
    roomsByUser: groupedLoader((ids: readonly string[]) => findRoomsOfUsers(db, ids), (r) => r.member_user_id),
    membersByRoom: groupedLoader((ids: readonly string[]) => findMembersOfRooms(db, ids), (m) => m.room_id),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
