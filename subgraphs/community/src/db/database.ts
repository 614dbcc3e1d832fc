import type { Generated, Selectable } from 'kysely';

export type ChatRoomKind = 'DIRECT' | 'GROUP' | 'SESSION' | 'COACHING';
export type ChatMemberRole = 'OWNER' | 'MODERATOR' | 'MEMBER';

export interface ChatRoomsTable {
  id: Generated<string>;
  name: string | null;
  kind: ChatRoomKind;
  session_id: string | null;
  created_by: string | null;
  last_sequence: Generated<number>;
  created_at: Generated<Date>;
}

export interface ChatRoomMembersTable {
  room_id: string;
  user_id: string;
  role: Generated<ChatMemberRole>;
  joined_at: Generated<Date>;
  last_read_sequence: Generated<number>;
}

/** The community subgraph's tables: its own schema only. */
export interface CommunityDatabase {
  'community.chat_rooms': ChatRoomsTable;
  'community.chat_room_members': ChatRoomMembersTable;
}

export type ChatRoom = Selectable<ChatRoomsTable>;
export type ChatRoomMember = Selectable<ChatRoomMembersTable>;
