import type { NotificationResolvers } from '../generated/graphql.js';

export const Notification: NotificationResolvers = {
  actionUrl: (n) => n.action_url,
  createdAt: (n) => n.created_at,
  readAt: (n) => n.read_at,
};
