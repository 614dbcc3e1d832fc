import type { QueryResolvers } from '../generated/graphql.js';
import { askedMessagePage } from '../services/chat-message.service.js';
import { findChatRoom } from '../services/chat-room.service.js';
import { notificationPreferences } from '../services/notification-preference.service.js';

export const Query: QueryResolvers = {
  // A chat screen asks for the room and a page of its history: one read for both.
  chatRoom: (_, args, ctx, info) => findChatRoom(ctx, args, askedMessagePage(info)),
  notificationPreferences: (_, __, ctx) => notificationPreferences(ctx),
};
