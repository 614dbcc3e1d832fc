import type { EntityReference } from '@academy/service-kit';
import type { Insertable, Selectable } from 'kysely';
import type {
  CommunityChatMessages,
  CommunityChatRoomMembers,
  CommunityChatRooms,
  CommunityContentReports,
  CommunityNotifications,
  CommunityPostComments,
  CommunityPostReactions,
  CommunityPosts,
  DB,
} from '../generated/tables.js';

export type {
  ChatMemberRole,
  ChatRoomKind,
  ContentReportStatus,
  NotificationPriority,
  PostVisibility,
  ReactionKind,
  ReportedContentKind,
} from '../generated/graphql.js';

/** The community subgraph's tables (its own schema only), as the migrations build them. */
export type CommunityDatabase = DB;

export type ChatRoom = Selectable<CommunityChatRooms>;
export type ChatRoomMember = Selectable<CommunityChatRoomMembers>;
export type ChatMessage = Selectable<CommunityChatMessages>;
export type Notification = Selectable<CommunityNotifications>;
export type NewNotification = Insertable<CommunityNotifications>;
export type Post = Selectable<CommunityPosts>;
export type PostComment = Selectable<CommunityPostComments>;
export type PostReaction = Selectable<CommunityPostReactions>;
export type ContentReport = Selectable<CommunityContentReports>;

/** A user of the identity subgraph, referred to by id. */
export type UserReference = EntityReference<'User'>;

/** A training session of the scheduling subgraph, referred to by id. */
export type TrainingSessionReference = EntityReference<'TrainingSession'>;

/** A room known by its key alone, where a selection asks for nothing more (see roomOfMessage). */
export interface ChatRoomKey {
  id: string;
}
/** A room as resolvers receive it: its row, or its key alone. */
export type ChatRoomModel = ChatRoom | ChatRoomKey;
