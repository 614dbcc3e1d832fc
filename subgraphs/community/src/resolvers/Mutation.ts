import type { MutationResolvers } from '../generated/graphql.js';
import { deleteMessage, editMessage, sendMessage } from '../services/chat-message.service.js';
import { addChatMember, createChatRoom, markRoomRead, openDirectChat, removeChatMember } from '../services/chat-room.service.js';
import { updateNotificationPreferences } from '../services/notification-preference.service.js';
import { markNotificationsRead } from '../services/notification.service.js';

export const Mutation: MutationResolvers = {
  createChatRoom: (_, args, ctx) => createChatRoom(ctx, args),
  openDirectChat: (_, args, ctx) => openDirectChat(ctx, args),
  addChatMember: (_, args, ctx) => addChatMember(ctx, args),
  removeChatMember: (_, args, ctx) => removeChatMember(ctx, args),
  sendMessage: (_, args, ctx) => sendMessage(ctx, args),
  editMessage: (_, args, ctx) => editMessage(ctx, args),
  deleteMessage: (_, args, ctx) => deleteMessage(ctx, args),
  markRoomRead: (_, args, ctx) => markRoomRead(ctx, args),
  markNotificationsRead: (_, args, ctx) => markNotificationsRead(ctx, args),
  updateNotificationPreferences: (_, args, ctx) => updateNotificationPreferences(ctx, args),
};
