import type { Logger } from '@academy/service-kit';
import type { PubSub } from '@academy/service-kit/pubsub';
import type { Kysely } from 'kysely';
import type { ChatMessage, CommunityDatabase, Notification } from '../db/database.js';
import { encodeMemberRemoved, encodeMessageEvent, encodeNotificationEvent, roomChannel, userChannel } from './channels.js';
import { NotificationFeeds } from './notification-feeds.js';
import { RoomFeeds, type FeedAccess } from './room-feeds.js';

/** Announcing committed changes to every community process, and the feeds subscribers read. */
export interface LiveEvents {
  /** Announces a stored message (call after its transaction committed). */
  messageStored(message: ChatMessage): Promise<void>;
  /** Announces that a member left or was removed: their feeds of the room end. */
  memberRemoved(roomId: string, userId: string): Promise<void>;
  /** Announces new notifications to their users' feeds. */
  notificationsCreated(notifications: readonly Notification[]): Promise<void>;
  /** A member's feed of a room's new messages (see RoomFeeds.open); FORBIDDEN for others. */
  messageFeed(roomId: string, userId: string, afterSequence: number | null, access?: FeedAccess): Promise<AsyncIterableIterator<ChatMessage>>;
  /** A user's feed of their new notifications. */
  notificationFeed(userId: string): Promise<AsyncIterableIterator<Notification>>;
  /** Ends every feed and leaves every channel (the pub/sub itself stays open). */
  close(): Promise<void>;
}

/** What the live events of a process are built on. */
export interface LiveEventsOptions {
  db: Kysely<CommunityDatabase>;
  pubsub: PubSub;
  logger: Logger;
  /** Messages read per statement when a feed replays history or fills a gap. Default 200. */
  replayPageSize?: number;
  /** Told when a subscriber's feed is live (for metrics, and for tests to know when to act). */
  onFeedOpened?: FeedObserver;
}

/** A feed that has gone live: from now on nothing announced for it is missed. */
export type OpenedFeed = { kind: 'messages'; roomId: string; userId: string } | { kind: 'notifications'; userId: string };
/** Called with each feed that went live. */
export type FeedObserver = (feed: OpenedFeed) => void;

/** The live events of one community process: announcing through `pubsub`, feeds read from `db`. */
export function createLiveEvents(options: LiveEventsOptions): LiveEvents {
  const { pubsub } = options;
  const logger = options.logger.child({ component: 'live' });
  const rooms = new RoomFeeds({ db: options.db, pubsub, logger, pageSize: options.replayPageSize ?? 200 });
  const notifications = new NotificationFeeds({ db: options.db, pubsub, logger });
  const opened = (feed: OpenedFeed) => {
    try {
      options.onFeedOpened?.(feed);
    } catch (error) {
      logger.warn('a feed observer failed', { err: error });
    }
  };

  // The change is committed whatever happens here; a lost announcement only delays delivery
  // until the next one reveals the gap (messages) or the next reconnection (notifications).
  async function announce(channel: string, payload: string): Promise<void> {
    try {
      await pubsub.publish(channel, payload);
    } catch (error) {
      logger.warn('could not announce a change', { err: error, channel });
    }
  }

  return {
    messageStored: (message) => announce(roomChannel(message.room_id), encodeMessageEvent(message)),
    memberRemoved: (roomId, userId) => announce(roomChannel(roomId), encodeMemberRemoved(userId)),
    async notificationsCreated(rows) {
      await Promise.all(rows.map((row) => announce(userChannel(row.user_id), encodeNotificationEvent(row))));
    },
    async messageFeed(roomId, userId, afterSequence, access) {
      const feed = await rooms.open(roomId, userId, afterSequence, access);
      opened({ kind: 'messages', roomId, userId });
      return feed;
    },
    async notificationFeed(userId) {
      const feed = await notifications.open(userId);
      opened({ kind: 'notifications', userId });
      return feed;
    },
    async close() {
      await Promise.all([rooms.close(), notifications.close()]);
    },
  };
}
