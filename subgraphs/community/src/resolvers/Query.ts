import type { QueryResolvers } from '../generated/graphql.js';
import { askedMessagePage } from '../services/chat-message.service.js';
import { chatActivity, postActivity } from '../services/activity.service.js';
import { findChatRoom } from '../services/chat-room.service.js';
import { contentReports } from '../services/content-report.service.js';
import { feed, findPost } from '../services/post.service.js';
import { notificationPreferences } from '../services/notification-preference.service.js';

export const Query: QueryResolvers = {
  // A chat screen asks for the room and a page of its history: one read for both.
  chatRoom: (_, args, ctx, info) => findChatRoom(ctx, args, askedMessagePage(info)),
  feed: (_, args, ctx) => feed(ctx, args),
  post: (_, args, ctx) => findPost(ctx, args),
  chatActivity: (_, args, ctx) => chatActivity(ctx, args),
  postActivity: (_, args, ctx) => postActivity(ctx, args),
  contentReports: (_, args, ctx) => contentReports(ctx, args),
  notificationPreferences: (_, __, ctx) => notificationPreferences(ctx),
};
