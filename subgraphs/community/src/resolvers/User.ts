import { forwardPage, isTimestampText, isUuid, requireSelfOrRole, toConnection } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { NotificationCursor } from '../repositories/notification.repository.js';

const isNotificationCursor = (value: unknown): value is NotificationCursor =>
  Array.isArray(value) && value.length === 2 && isTimestampText(value[0]) && isUuid(value[1]);

export const User = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  /** A user's rooms are theirs alone to list. */
  chatRooms(user: { id: string }, _: unknown, ctx: CommunityContext) {
    requireSelfOrRole(ctx, user.id);
    return ctx.loaders.roomsByUser.load(user.id);
  },
  /** A user's notifications are theirs alone, not even ADMIN's to read. */
  async notifications(
    user: { id: string },
    args: { first?: number | null; after?: string | null; unreadOnly?: boolean | null },
    ctx: CommunityContext,
  ) {
    requireSelfOrRole(ctx, user.id);
    const { limit, after } = forwardPage(args, isNotificationCursor);
    const page = await ctx.loaders.notificationPage.load({ userId: user.id, unreadOnly: args.unreadOnly ?? false, limit, after });
    return toConnection({
      rows: page.rows,
      limit,
      totalCount: page.totalCount,
      hasPreviousPage: page.hasPreviousPage,
      cursorOf: (row) => [row.cursor_key, row.id] satisfies NotificationCursor,
      nodeOf: (row) => row,
    });
  },
  unreadNotificationCount(user: { id: string }, _: unknown, ctx: CommunityContext) {
    requireSelfOrRole(ctx, user.id);
    return ctx.loaders.unreadNotificationCountByUser.load(user.id);
  },
};
