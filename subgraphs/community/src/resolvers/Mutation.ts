import type { MutationResolvers } from '../generated/graphql.js';
import { deleteMessage, editMessage, sendMessage } from '../services/chat-message.service.js';
import { addChatMember, createChatRoom, markRoomRead, openDirectChat, removeChatMember } from '../services/chat-room.service.js';
import { markNotificationsRead } from '../services/notification.service.js';
import { muteMember, unmuteMember } from '../services/chat-moderation.service.js';
import { setRoomActivity } from '../services/room-activity.service.js';

export const Mutation: MutationResolvers = {
  createChatRoom: (_, args, ctx) => createChatRoom(ctx, args),
  openDirectChat: (_, args, ctx) => openDirectChat(ctx, args),
  addChatMember: (_, args, ctx) => addChatMember(ctx, args),
  removeChatMember: (_, args, ctx) => removeChatMember(ctx, args),
  sendMessage: (_, args, ctx) => sendMessage(ctx, args),
  editMessage: (_, args, ctx) => editMessage(ctx, args),
  deleteMessage: (_, args, ctx) => deleteMessage(ctx, args),
  markRoomRead: (_, args, ctx) => markRoomRead(ctx, args),
  setRoomActivity: (_, args, ctx) => setRoomActivity(ctx, args),
  muteMember: (_, args, ctx) => muteMember(ctx, args),
  unmuteMember: (_, args, ctx) => unmuteMember(ctx, args),
  markNotificationsRead: (_, args, ctx) => markNotificationsRead(ctx, args),
};
