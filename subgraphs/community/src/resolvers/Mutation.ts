import type { MutationResolvers } from '../generated/graphql.js';
import { deleteMessage, editMessage, sendMessage } from '../services/chat-message.service.js';
import { addChatMember, createChatRoom, markRoomRead, openDirectChat, removeChatMember } from '../services/chat-room.service.js';
import { markNotificationsRead } from '../services/notification.service.js';
import { notPartner } from '../services/partner-access.service.js';

// A partner client sends messages in its rooms and does nothing else here.
export const Mutation: MutationResolvers = {
  createChatRoom: (_, args, ctx) => createChatRoom(notPartner(ctx), args),
  openDirectChat: (_, args, ctx) => openDirectChat(notPartner(ctx), args),
  addChatMember: (_, args, ctx) => addChatMember(notPartner(ctx), args),
  removeChatMember: (_, args, ctx) => removeChatMember(notPartner(ctx), args),
  sendMessage: (_, args, ctx) => sendMessage(ctx, args),
  editMessage: (_, args, ctx) => editMessage(notPartner(ctx), args),
  deleteMessage: (_, args, ctx) => deleteMessage(notPartner(ctx), args),
  markRoomRead: (_, args, ctx) => markRoomRead(notPartner(ctx), args),
  markNotificationsRead: (_, args, ctx) => markNotificationsRead(notPartner(ctx), args),
};
