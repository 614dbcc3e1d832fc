import type { ChatRoomResolvers } from '../generated/graphql.js';
import { lastMessageOf, roomMessages } from '../services/chat-message.service.js';
import { roomColumn, roomForMember, sessionOfRoom } from '../services/chat-room.service.js';

// A room may come as its key alone (see roomOfMessage): its columns are read through roomColumn.
export const ChatRoom: ChatRoomResolvers = {
  /** Only members resolve a room, whichever subgraph refers to it. */
  __resolveReference: (ref, ctx) => roomForMember(ctx, ref.id),
  name: (r, _, ctx) => roomColumn(ctx, r, 'name'),
  kind: (r, _, ctx) => roomColumn(ctx, r, 'kind'),
  members: (r, _, ctx) => ctx.loaders.membersByRoom.load(r.id),
  messages: (r, args, ctx) => roomMessages(ctx, r, args),
  lastMessage: (r, _, ctx) => lastMessageOf(ctx, r),
  unreadCount: (r, _, ctx) => ctx.loaders.unreadCountByRoom.load(r.id),
  createdAt: (r, _, ctx) => roomColumn(ctx, r, 'created_at'),
  archivedAt: (r, _, ctx) => roomColumn(ctx, r, 'archived_at'),
  session: (r, _, ctx) => sessionOfRoom(ctx, r),
};
