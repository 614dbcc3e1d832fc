import type { Logger } from '@academy/service-kit';
import type { PubSub } from '@academy/service-kit/pubsub';
import type { Kysely } from 'kysely';
import type { ChatMessage, CommunityDatabase, Notification } from '../db/database.js';
import { encodeMemberRemoved, encodeMessageEvent, encodeNotificationEvent, roomChannel, userChannel } from './channels.js';
import { NotificationFeeds } from './notification-feeds.js';
import { RoomFeeds, type FeedAccess } from './room-feeds.js';
import { RoomSignals, type ActivityEvent, type ActivityTimings } from './room-signals.js';
import type { RoomActivityState } from '../generated/graphql.js';

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
  /** Whether a member's activity passes the throttle (see RoomSignals.admit). */
  admitActivity(roomId: string, userId: string, state: RoomActivityState): boolean;
  /** Tells the room's roomActivity subscribers, in every process, what a member is doing. Nothing is stored. */
  activityAnnounced(roomId: string, userId: string, state: RoomActivityState): Promise<void>;
  /** Announces a deleted message to messageDeleted subscribers (call after its transaction committed). */
  messageDeleted(message: ChatMessage): Promise<void>;
  /** A member's feed of the room's activity; while it is open the member is in the room. FORBIDDEN for others. */
  activityFeed(roomId: string, userId: string): Promise<AsyncIterableIterator<ActivityEvent>>;
  /** A member's feed of the room's deleted messages, with those from about `since` first. FORBIDDEN for others. */
  deletionFeed(roomId: string, userId: string, since: Date | null): Promise<AsyncIterableIterator<ChatMessage>>;
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
  /** Typing expiry, throttle and presence heartbeat (see ActivityTimings). */
  activityTimings?: Partial<ActivityTimings>;
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
  const signals = new RoomSignals({ db: options.db, pubsub, logger, timings: options.activityTimings });
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
    async memberRemoved(roomId, userId) {
      await Promise.all([announce(roomChannel(roomId), encodeMemberRemoved(userId)), signals.announceMemberRemoved(roomId, userId)]);
    },
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
    admitActivity: (roomId, userId, state) => signals.admit(roomId, userId, state),
    activityAnnounced: (roomId, userId, state) => signals.announceActivity(roomId, userId, state),
    messageDeleted: (message) => signals.announceDeleted(message),
    activityFeed: (roomId, userId) => signals.openActivity(roomId, userId),
    deletionFeed: (roomId, userId, since) => signals.openDeletions(roomId, userId, since),
    async close() {
      await Promise.all([rooms.close(), notifications.close(), signals.close()]);
    },
  };
}
