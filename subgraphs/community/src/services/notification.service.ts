import { badUserInput, forwardPage, isTimestampText, isUuid, parseId, requireSelfOrRole, requireViewer, toConnection } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { ChatRoom, NewNotification, Notification } from '../db/database.js';
import type { MutationMarkNotificationsReadArgs, UserNotificationsArgs } from '../generated/graphql.js';
import { markNotificationsRead as markRead, type NotificationCursor } from '../repositories/notification.repository.js';

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
export async function markNotificationsRead(ctx: CommunityContext, { ids }: MutationMarkNotificationsReadArgs): Promise<number> {
  const viewer = requireViewer(ctx);
  if (ids.length > MAX_NOTIFICATION_IDS) throw badUserInput(`"ids" takes at most ${MAX_NOTIFICATION_IDS} IDs.`, 'ids');
  const parsed = [...new Set(ids.map((id) => parseId(id, 'ids')))];
  if (parsed.length === 0) return 0;
  const changed = await markRead(ctx.db, viewer.userId, parsed);
  ctx.loaders.unreadNotificationCountByUser.clear(viewer.userId);
  ctx.loaders.notificationPage.clearAll();
  return changed;
}

const isNotificationCursor = (value: unknown): value is NotificationCursor =>
  Array.isArray(value) && value.length === 2 && isTimestampText(value[0]) && isUuid(value[1]);

/** A page of a user's notifications, newest first: theirs alone, not even ADMIN's to read. */
export async function notificationConnection(ctx: CommunityContext, userId: string, args: UserNotificationsArgs) {
  requireSelfOrRole(ctx, userId);
  const { limit, after } = forwardPage(args, isNotificationCursor);
  const page = await ctx.loaders.notificationPage.load({ userId, unreadOnly: args.unreadOnly ?? false, limit, after });
  return toConnection({
    rows: page.rows,
    limit,
    totalCount: page.totalCount,
    hasPreviousPage: page.hasPreviousPage,
    cursorOf: (row) => [row.cursor_key, row.id] satisfies NotificationCursor,
    nodeOf: (row) => row,
  });
}

/** How many of a user's notifications are unread: theirs alone to know. */
export function unreadNotificationCount(ctx: CommunityContext, userId: string): Promise<number> {
  requireSelfOrRole(ctx, userId);
  return ctx.loaders.unreadNotificationCountByUser.load(userId);
}

/** The signed-in user's live feed of their new notifications. */
export function notificationFeed(ctx: CommunityContext): Promise<AsyncIterableIterator<Notification>> {
  const viewer = requireViewer(ctx);
  return ctx.live.notificationFeed(viewer.userId);
}
