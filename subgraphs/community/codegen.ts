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
  },
  columns: {
    'chat_rooms.kind': 'ChatRoomKind',
    'chat_room_members.role': 'Generated<ChatMemberRole>',
    'notifications.priority': 'Generated<NotificationPriority>',
  },
  columnImports: {
    ChatRoomKind: './graphql.js#ChatRoomKind',
    ChatMemberRole: './graphql.js#ChatMemberRole',
    NotificationPriority: './graphql.js#NotificationPriority',
  },
};
