import { freshForEvent, type CommunityContext } from '../context.js';
import type { ChatMessage, Notification } from '../db/database.js';
import type { SubscriptionResolvers } from '../generated/graphql.js';
import { messageFeed } from '../services/chat-message.service.js';
import { notificationFeed } from '../services/notification.service.js';
import { deletionFeed } from '../services/chat-moderation.service.js';
import { activityFeed } from '../services/room-activity.service.js';
import type { ActivityEvent } from '../live/room-signals.js';

// Feeds yield rows, not `{ messageAdded: row }`: one row object reaches every subscriber of a
// room, so that the kit's SharedSubscriptions resolves it once for all. Hence the
// subscribe-and-resolve form, whose resolve names the row type its feed yields.
export const Subscription: SubscriptionResolvers = {
  messageAdded: {
    /** Members only (FORBIDDEN otherwise); the feed ends at once when the subscriber leaves the room. */
    subscribe: (_, args, ctx) => messageFeed(ctx, args),
    resolve: (message: ChatMessage, _: unknown, ctx: CommunityContext) => freshForEvent(ctx, message),
  },
  notificationAdded: {
    subscribe: (_, _args, ctx) => notificationFeed(ctx),
    resolve: (notification: Notification, _: unknown, ctx: CommunityContext) => freshForEvent(ctx, notification),
  },
  roomActivity: {
    /** Members only (FORBIDDEN otherwise); while it is open the subscriber is in the room. */
    subscribe: (_, args, ctx) => activityFeed(ctx, args),
    resolve: (event: ActivityEvent) => event,
  },
  messageDeleted: {
    /** Members only (FORBIDDEN otherwise); ends when the subscriber leaves the room. */
    subscribe: (_, args, ctx) => deletionFeed(ctx, args),
    resolve: (message: ChatMessage, _: unknown, ctx: CommunityContext) => freshForEvent(ctx, message),
  },
};
