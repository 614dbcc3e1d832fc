import type { CommunityContext } from '../context.js';
import type { ChatMemberRole } from '../db/database.js';
import { deleteMessage, editMessage, sendMessage } from '../services/chat-message.service.js';
import {
  addChatMember,
  createChatRoom,
  markRoomRead,
  openDirectChat,
  removeChatMember,
  type CreateChatRoomInput,
} from '../services/chat-room.service.js';
import { markNotificationsRead } from '../services/notification.service.js';

export const Mutation = {
  createChatRoom: (_: unknown, args: { input: CreateChatRoomInput }, ctx: CommunityContext) => createChatRoom(ctx, args.input),
  openDirectChat: (_: unknown, args: { userId: string }, ctx: CommunityContext) => openDirectChat(ctx, args.userId),
  addChatMember: (_: unknown, args: { roomId: string; userId: string; role?: ChatMemberRole | null }, ctx: CommunityContext) =>
    addChatMember(ctx, args),
  removeChatMember: (_: unknown, args: { roomId: string; userId: string }, ctx: CommunityContext) => removeChatMember(ctx, args),
  sendMessage: (_: unknown, args: { roomId: string; content: string; clientMessageId?: string | null }, ctx: CommunityContext) =>
    sendMessage(ctx, args),
  editMessage: (_: unknown, args: { id: string; content: string }, ctx: CommunityContext) => editMessage(ctx, args),
  deleteMessage: (_: unknown, args: { id: string }, ctx: CommunityContext) => deleteMessage(ctx, args),
  markRoomRead: (_: unknown, args: { roomId: string; upToSequence: number }, ctx: CommunityContext) => markRoomRead(ctx, args),
  markNotificationsRead: (_: unknown, args: { ids: string[] }, ctx: CommunityContext) => markNotificationsRead(ctx, args.ids),
};
