import type { Generated, Insertable, Selectable } from 'kysely';

export type ChatRoomKind = 'DIRECT' | 'GROUP' | 'SESSION' | 'COACHING';
export type ChatMemberRole = 'OWNER' | 'MODERATOR' | 'MEMBER';
export type NotificationPriority = 'LOW' | 'MEDIUM' | 'HIGH' | 'URGENT';

export interface ChatRoomsTable {
  id: Generated<string>;
  name: string | null;
  kind: ChatRoomKind;
  session_id: string | null;
  created_by: string | null;
  /** The sequence of the room's newest message; incremented under the row lock by each send. */
  last_sequence: Generated<number>;
  created_at: Generated<Date>;
  /** For DIRECT rooms, the smaller of the two users' ids (their pair is unique). */
  direct_user_low: string | null;
  /** For DIRECT rooms, the larger of the two users' ids. */
  direct_user_high: string | null;
}

export interface ChatRoomMembersTable {
  room_id: string;
  user_id: string;
  role: Generated<ChatMemberRole>;
  joined_at: Generated<Date>;
  last_read_sequence: Generated<number>;
}

export interface ChatMessagesTable {
  id: Generated<string>;
  room_id: string;
  sequence: number;
  /** null for system messages. */
  sender_id: string | null;
  /** Trimmed text; '' once deleted. */
  content: string;
  client_message_id: string | null;
  sent_at: Generated<Date>;
  edited_at: Date | null;
  deleted_at: Date | null;
}

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  type: string;
  title: string;
  body: string | null;
  priority: Generated<NotificationPriority>;
  action_url: string | null;
  /** What the notification is about, for clients and later processing (room id, actor id, …). */
  data: Generated<unknown>;
  created_at: Generated<Date>;
  read_at: Date | null;
}

/** The community subgraph's tables: its own schema only. */
export interface CommunityDatabase {
  'community.chat_rooms': ChatRoomsTable;
  'community.chat_room_members': ChatRoomMembersTable;
  'community.chat_messages': ChatMessagesTable;
  'community.notifications': NotificationsTable;
}

export type ChatRoom = Selectable<ChatRoomsTable>;
export type ChatRoomMember = Selectable<ChatRoomMembersTable>;
export type ChatMessage = Selectable<ChatMessagesTable>;
export type NewChatMessage = Insertable<ChatMessagesTable>;
export type Notification = Selectable<NotificationsTable>;
export type NewNotification = Insertable<NotificationsTable>;
