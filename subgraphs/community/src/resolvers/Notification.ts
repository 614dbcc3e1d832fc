import type { Notification as NotificationRow } from '../db/database.js';

export const Notification = {
  actionUrl: (n: NotificationRow) => n.action_url,
  createdAt: (n: NotificationRow) => n.created_at,
  readAt: (n: NotificationRow) => n.read_at,
};
