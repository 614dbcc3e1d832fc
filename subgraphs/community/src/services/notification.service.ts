import { badUserInput, parseId, requireViewer } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { ChatRoom, NewNotification } from '../db/database.js';
import { markNotificationsRead as markRead } from '../repositories/notification.repository.js';

/** Most notification ids markNotificationsRead takes at once. */
export const MAX_NOTIFICATION_IDS = 100;

/** The notification type of being added to a chat room. */
export const CHAT_ROOM_MEMBER_ADDED = 'CHAT_ROOM_MEMBER_ADDED';

const TITLE_MAX = 200;

/** What each user added to `room` by `actorId` is told (insert it in the transaction that adds them). */
export function memberAddedNotifications(room: ChatRoom, userIds: readonly string[], actorId: string): NewNotification[] {
  const title = room.kind === 'DIRECT' ? 'You have a new direct chat' : `You were added to ${room.name ?? 'a chat room'}`;
  return userIds.map((userId) => ({
    user_id: userId,
    type: CHAT_ROOM_MEMBER_ADDED,
    title: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title,
    body: null,
    priority: 'MEDIUM',
    action_url: `/chat/${room.id}`,
    data: JSON.stringify({ roomId: room.id, addedBy: actorId }),
    read_at: null,
  }));
}

/** Marks the viewer's own notifications among `ids` read; returns how many were unread. */
export async function markNotificationsRead(ctx: CommunityContext, ids: readonly string[]): Promise<number> {
  const viewer = requireViewer(ctx);
  if (ids.length > MAX_NOTIFICATION_IDS) throw badUserInput(`"ids" takes at most ${MAX_NOTIFICATION_IDS} IDs.`, 'ids');
  const parsed = [...new Set(ids.map((id) => parseId(id, 'ids')))];
  if (parsed.length === 0) return 0;
  const changed = await markRead(ctx.db, viewer.userId, parsed);
  ctx.loaders.unreadNotificationCountByUser.clear(viewer.userId);
  ctx.loaders.notificationPage.clearAll();
  return changed;
}
