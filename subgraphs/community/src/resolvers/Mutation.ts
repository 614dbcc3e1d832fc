import type { MutationResolvers } from '../generated/graphql.js';
import { deleteMessage, editMessage, sendMessage } from '../services/chat-message.service.js';
import { addChatMember, createChatRoom, markRoomRead, openDirectChat, removeChatMember } from '../services/chat-room.service.js';
import { addComment, deleteComment, updateComment } from '../services/comment.service.js';
import { reportContent, resolveContentReport } from '../services/content-report.service.js';
import { updateNotificationPreferences } from '../services/notification-preference.service.js';
import { markNotificationsRead } from '../services/notification.service.js';
import { muteMember, unmuteMember } from '../services/chat-moderation.service.js';
import { setRoomActivity } from '../services/room-activity.service.js';
import { createPost, deletePost, react, removeReaction, updatePost } from '../services/post.service.js';

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
  createPost: (_, args, ctx) => createPost(ctx, args),
  updatePost: (_, args, ctx) => updatePost(ctx, args),
  deletePost: (_, args, ctx) => deletePost(ctx, args),
  addComment: (_, args, ctx) => addComment(ctx, args),
  updateComment: (_, args, ctx) => updateComment(ctx, args),
  deleteComment: (_, args, ctx) => deleteComment(ctx, args),
  react: (_, args, ctx) => react(ctx, args),
  removeReaction: (_, args, ctx) => removeReaction(ctx, args),
  reportContent: (_, args, ctx) => reportContent(ctx, args),
  resolveContentReport: (_, args, ctx) => resolveContentReport(ctx, args),
  updateNotificationPreferences: (_, args, ctx) => updateNotificationPreferences(ctx, args),
};
