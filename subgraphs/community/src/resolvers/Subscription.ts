import { badUserInput, parseId, requireViewer } from '@academy/service-kit';
import { renewLoaders, type CommunityContext } from '../context.js';
import type { ChatMessage, Notification } from '../db/database.js';

export const Subscription = {
  messageAdded: {
    /** Members only (FORBIDDEN otherwise); the feed ends at once when the subscriber leaves the room. */
    async subscribe(_: unknown, args: { roomId: string; afterSequence?: number | null }, ctx: CommunityContext) {
      const viewer = requireViewer(ctx);
      const roomId = parseId(args.roomId, 'roomId');
      const after = args.afterSequence ?? null;
      if (after !== null && (!Number.isInteger(after) || after < 0)) {
        throw badUserInput('"afterSequence" must be a sequence number (0 or more).', 'afterSequence');
      }
      return ctx.live.messageFeed(roomId, viewer.userId, after);
    },
    resolve(message: ChatMessage, _: unknown, ctx: CommunityContext) {
      renewLoaders(ctx);
      return message;
    },
  },
  notificationAdded: {
    async subscribe(_: unknown, __: unknown, ctx: CommunityContext) {
      const viewer = requireViewer(ctx);
      return ctx.live.notificationFeed(viewer.userId);
    },
    resolve(notification: Notification, _: unknown, ctx: CommunityContext) {
      renewLoaders(ctx);
      return notification;
    },
  },
};
