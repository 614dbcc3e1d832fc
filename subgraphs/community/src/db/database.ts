import type { EntityReference } from '@academy/service-kit';
import type { Insertable, Selectable } from 'kysely';
import type {
  CommunityChatMessages,
  CommunityChatRoomMembers,
  CommunityChatRooms,
  CommunityContentReports,
  CommunityNotificationPreferences,
  CommunityNotifications,
  CommunityPostComments,
  CommunityPostReactions,
  CommunityPosts,
  CommunityReminders,
  CommunitySessionRegistrations,
  CommunityTrainingSessions,
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
export type NotificationPreference = Selectable<CommunityNotificationPreferences>;
/** A user's quiet hours as read: times as HH:MM. */
export interface QuietHoursRow {
  user_id: string;
  starts_at: string;
  ends_at: string;
  time_zone: string;
}
/** Community's copy of a scheduling session (from its events). */
export type SessionCopy = Selectable<CommunityTrainingSessions>;
/** Community's copy of a scheduling registration (from its events). */
export type RegistrationCopy = Selectable<CommunitySessionRegistrations>;
/** A notification due later. */
export type Reminder = Selectable<CommunityReminders>;

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
