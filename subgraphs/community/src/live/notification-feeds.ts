import type { Logger } from '@academy/service-kit';
import type { PubSub, Unsubscribe } from '@academy/service-kit/pubsub';
import type { Kysely } from 'kysely';
import type { CommunityDatabase, Notification } from '../db/database.js';
import { findNotificationsByIds, findNotificationsSince } from '../repositories/notification.repository.js';
import { decodeUserEvent, userChannel } from './channels.js';
import { EventQueue } from './event-queue.js';

/** What the notification feeds of a process are built on. */
export interface NotificationFeedsOptions {
  db: Kysely<CommunityDatabase>;
  pubsub: PubSub;
  logger: Logger;
}

/** Ids remembered per subscriber to drop repeats after a reconnection's catch-up. */
const REMEMBERED_IDS = 1_000;
/** Most notifications a catch-up after a reconnection delivers. */
const CATCH_UP_LIMIT = 100;

interface Subscriber {
  queue: EventQueue<Notification>;
  since: Date;
  seen: Set<string>;
}

/**
 * The live notification feeds of this process: one pub/sub subscription per user with
 * subscribers here. After the broker was out of reach, the notifications created meanwhile
 * are read from the database, so a reconnection loses none that were created while the feed
 * was open.
 */
export class NotificationFeeds {
  readonly #options: NotificationFeedsOptions;
  readonly #users = new Map<string, UserFeed>();
  readonly #offReconnect: () => void;

  constructor(options: NotificationFeedsOptions) {
    this.#options = options;
    this.#offReconnect = options.pubsub.onReconnect(() => {
      for (const user of this.#users.values()) user.catchUp();
    });
  }

  /** The user's notifications created from now on. */
  async open(userId: string): Promise<EventQueue<Notification>> {
    let feed = this.#users.get(userId);
    if (!feed) {
      const created = new UserFeed(userId, this.#options, () => {
        if (this.#users.get(userId) === created) this.#users.delete(userId);
      });
      this.#users.set(userId, created);
      feed = created;
    }
    const owner = feed;
    const subscriber: Subscriber = {
      queue: new EventQueue<Notification>(() => owner.remove(subscriber)),
      since: new Date(),
      seen: new Set(),
    };
    owner.add(subscriber);
    try {
      await owner.ready;
      return subscriber.queue;
    } catch (error) {
      subscriber.queue.end({ discard: true });
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#offReconnect();
    const users = [...this.#users.values()];
    this.#users.clear();
    await Promise.all(users.map((user) => user.close()));
  }
}

class UserFeed {
  readonly ready: Promise<void>;
  readonly #userId: string;
  readonly #options: NotificationFeedsOptions;
  readonly #onEmpty: () => void;
  readonly #subscribers = new Set<Subscriber>();
  /** Work on this feed, one piece after another, so notifications keep their order. */
  #chain: Promise<void> = Promise.resolve();
  #closed = false;
  #unsubscribe: Unsubscribe | null = null;

  constructor(userId: string, options: NotificationFeedsOptions, onEmpty: () => void) {
    this.#userId = userId;
    this.#options = options;
    this.#onEmpty = onEmpty;
    this.ready = options.pubsub.subscribe(userChannel(userId), (payload) => this.#receive(payload)).then((unsubscribe) => {
      if (this.#closed) void unsubscribe();
      else this.#unsubscribe = unsubscribe;
    });
    this.ready.catch(() => undefined);
  }

  add(subscriber: Subscriber): void {
    this.#subscribers.add(subscriber);
  }

  remove(subscriber: Subscriber): void {
    if (!this.#subscribers.delete(subscriber) || this.#subscribers.size > 0) return;
    void this.close();
  }

  /** Delivers what was created since each subscriber started and it has not seen. */
  catchUp(): void {
    this.#enqueue(async () => {
      const subscribers = [...this.#subscribers];
      if (subscribers.length === 0) return;
      const since = new Date(Math.min(...subscribers.map((s) => s.since.getTime())));
      this.#deliver(await findNotificationsSince(this.#options.db, this.#userId, since, CATCH_UP_LIMIT), { createdSinceStart: true });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#onEmpty();
    for (const subscriber of [...this.#subscribers]) subscriber.queue.end();
    this.#subscribers.clear();
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    await unsubscribe?.();
  }

  #receive(payload: string): void {
    const event = decodeUserEvent(payload);
    if (!event) {
      this.#options.logger.warn('ignored an unknown user event');
      return;
    }
    const { row } = event;
    if (row && row.user_id === this.#userId) {
      this.#enqueue(async () => this.#deliver([row]));
      return;
    }
    this.#enqueue(async () => {
      const rows = await findNotificationsByIds(this.#options.db, [event.id]);
      this.#deliver(rows.filter((r) => r.user_id === this.#userId));
    });
  }

  #enqueue(work: () => Promise<void>): void {
    this.#chain = this.#chain.then(work).catch((error: unknown) => {
      this.#options.logger.warn('could not deliver a notification', { err: error, userId: this.#userId });
    });
  }

  /**
   * Pushes notifications each subscriber has not seen. Live ones go to every subscriber: one
   * created (its transaction begun) just before a subscriber started may commit after it.
   * Catch-up reads go only to subscribers that had started when they were created.
   */
  #deliver(notifications: readonly Notification[], options: { createdSinceStart?: boolean } = {}): void {
    if (this.#closed) return;
    for (const subscriber of this.#subscribers) {
      for (const notification of notifications) {
        if (subscriber.seen.has(notification.id)) continue;
        if (options.createdSinceStart && notification.created_at < subscriber.since) continue;
        subscriber.seen.add(notification.id);
        if (subscriber.seen.size > REMEMBERED_IDS) subscriber.seen.delete(subscriber.seen.values().next().value!);
        subscriber.queue.push(notification);
      }
    }
  }
}
