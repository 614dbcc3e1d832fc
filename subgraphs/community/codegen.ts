// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'CommunityContext',
  mappers: {
    ChatRoom: '../db/database.js#ChatRoomModel',
    ChatMember: '../db/database.js#ChatRoomMember',
    ChatMessage: '../db/database.js#ChatMessage',
    RoomActivity: '../live/room-signals.js#ActivityEvent',
    Notification: '../db/database.js#Notification',
    User: '../db/database.js#UserReference',
    TrainingSession: '../db/database.js#TrainingSessionReference',
    Post: '../db/database.js#Post',
    Comment: '../db/database.js#PostComment',
    ContentReport: '../db/database.js#ContentReport',
  },
  columns: {
    'chat_rooms.kind': 'ChatRoomKind',
    'chat_room_members.role': 'Generated<ChatMemberRole>',
    'notifications.priority': 'Generated<NotificationPriority>',
    'posts.visibility': 'PostVisibility',
    'post_reactions.kind': 'ReactionKind',
    'content_reports.kind': 'ReportedContentKind',
    'content_reports.status': 'Generated<ContentReportStatus>',
  },
  columnImports: {
    ChatRoomKind: './graphql.js#ChatRoomKind',
    ChatMemberRole: './graphql.js#ChatMemberRole',
    NotificationPriority: './graphql.js#NotificationPriority',
    PostVisibility: './graphql.js#PostVisibility',
    ReactionKind: './graphql.js#ReactionKind',
    ReportedContentKind: './graphql.js#ReportedContentKind',
    ContentReportStatus: './graphql.js#ContentReportStatus',
  },
};
