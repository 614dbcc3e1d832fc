import { forbidden, type Logger } from '@academy/service-kit';
import type { PubSub, Unsubscribe } from '@academy/service-kit/pubsub';
import type { Kysely } from 'kysely';
import type { ChatMessage, CommunityDatabase } from '../db/database.js';
import { findMessagesAfter, findMessagesAfterForMember, findMessagesBetween, findMessagesByIds } from '../repositories/chat-message.repository.js';
import { findFeedStart, findMemberIdsAmong } from '../repositories/chat-room.repository.js';
import { decodeRoomEvent, roomChannel, type RoomEvent } from './channels.js';
import type { EventQueue } from './event-queue.js';
import { MessageStream } from './message-stream.js';
import { chatDeliveryLag } from './delivery-metrics.js';

/** What the room feeds of a process are built on. */
export interface RoomFeedsOptions {
  db: Kysely<CommunityDatabase>;
  pubsub: PubSub;
  logger: Logger;
  /** Messages read per statement when replaying or filling a gap. */
  pageSize: number;
}

/** How a subscriber may read a room. */
export interface FeedAccess {
  /**
   * By a grant checked already (a partner client's token), not by membership: the feed does
   * not look the subscriber up among the members, and lasts as long as the token's socket.
   */
  granted: boolean;
}

/**
 * The live message feeds of this process, one shared pub/sub subscription per room that has
 * subscribers here.
 *
 * Each batch of announcements for a room costs one membership check for all of the room's
 * subscribers in this process (not one per subscriber), made after the announced messages
 * committed: a subscriber removed before a message was sent is found removed, and their feed
 * ends instead of receiving it.
 *
 * Announcements may overtake each other (two senders commit one after the other, and announce
 * in the other order). The room fills such a gap once, with one read for all its subscribers,
 * rather than each subscriber's stream reading it on its own: in a room of 500, one statement
 * instead of 500.
 */
export class RoomFeeds {
  readonly #options: RoomFeedsOptions;
  readonly #rooms = new Map<string, RoomFeed>();
  readonly #offReconnect: () => void;

  constructor(options: RoomFeedsOptions) {
    this.#options = options;
    // Announcements sent while the broker was out of reach are lost: every feed re-reads.
    this.#offReconnect = options.pubsub.onReconnect(() => {
      for (const room of this.#rooms.values()) room.recheck();
    });
  }

  /**
   * A member's feed of the room's new messages: with `afterSequence`, every message after it
   * first. FORBIDDEN for anyone else (and for a room that does not exist), unless `access`
   * says the subscriber's grant was checked (a partner client).
   */
  async open(roomId: string, userId: string, afterSequence: number | null, access: FeedAccess = { granted: false }): Promise<EventQueue<ChatMessage>> {
    const { db, logger, pageSize } = this.#options;
    let room = this.#rooms.get(roomId);
    if (!room) {
      const created = new RoomFeed(roomId, this.#options, () => {
        if (this.#rooms.get(roomId) === created) this.#rooms.delete(roomId);
      });
      this.#rooms.set(roomId, created);
      room = created;
    }
    const feed = room;
    const stream = new MessageStream({
      roomId,
      userId,
      granted: access.granted,
      pageSize,
      logger,
      readAfter: access.granted
        ? async (after, limit) => ({ isMember: true, messages: await findMessagesAfter(db, roomId, after, limit) })
        : (after, limit) => findMessagesAfterForMember(db, roomId, userId, after, limit),
      onClose: () => feed.remove(stream),
    });
    // Listen first, then read where the room stands: nothing committed after that read can be
    // missed, and what is announced meanwhile waits in the stream.
    feed.add(stream);
    try {
      await feed.ready;
      const start = await findFeedStart(db, roomId, userId);
      if (!start || (!start.isMember && !access.granted)) throw forbidden('Only members of the room receive its messages.');
      feed.reached(start.lastSequence);
      const from = afterSequence === null ? start.lastSequence : Math.min(afterSequence, start.lastSequence);
      stream.start(from, from < start.lastSequence);
      return stream.queue;
    } catch (error) {
      stream.queue.end({ discard: true });
      throw error;
    }
  }

  /** Ends every feed (their subscriptions complete) and leaves every channel. */
  async close(): Promise<void> {
    this.#offReconnect();
    const rooms = [...this.#rooms.values()];
    this.#rooms.clear();
    await Promise.all(rooms.map((room) => room.close()));
  }
}

const deliveryLag = chatDeliveryLag();

/** One room's subscribers in this process and its pub/sub subscription. */
class RoomFeed {
  readonly ready: Promise<void>;
  readonly #roomId: string;
  readonly #options: RoomFeedsOptions;
  readonly #onEmpty: () => void;
  readonly #streams = new Set<MessageStream>();
  #events: RoomEvent[] = [];
  #recheck = false;
  #flushing = false;
  /**
   * Every message up to this sequence has been offered to the streams, or was in the database
   * before they started: a later message announced first leaves a gap the room fills itself.
   */
  #frontier: number | null = null;
  #closed = false;
  #unsubscribe: Unsubscribe | null = null;

  constructor(roomId: string, options: RoomFeedsOptions, onEmpty: () => void) {
    this.#roomId = roomId;
    this.#options = options;
    this.#onEmpty = onEmpty;
    this.ready = options.pubsub.subscribe(roomChannel(roomId), (payload) => this.#receive(payload)).then((unsubscribe) => {
      if (this.#closed) void unsubscribe();
      else this.#unsubscribe = unsubscribe;
    });
    // Awaited by whoever opened the feed; a failure must not also surface as unhandled.
    this.ready.catch(() => undefined);
  }

  add(stream: MessageStream): void {
    this.#streams.add(stream);
  }

  remove(stream: MessageStream): void {
    if (!this.#streams.delete(stream) || this.#streams.size > 0) return;
    void this.close();
  }

  /** Messages up to `sequence` were in the database when a stream started. */
  reached(sequence: number): void {
    this.#frontier = Math.max(this.#frontier ?? 0, sequence);
  }

  /** Re-reads membership and, in every stream, whatever came after its last delivered message. */
  recheck(): void {
    this.#recheck = true;
    for (const stream of this.#streams) stream.catchUp();
    void this.#flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#onEmpty();
    for (const stream of [...this.#streams]) stream.queue.end();
    this.#streams.clear();
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    await unsubscribe?.();
  }

  #receive(payload: string): void {
    const event = decodeRoomEvent(payload);
    if (!event) {
      this.#options.logger.warn('ignored an unknown room event', { roomId: this.#roomId });
      return;
    }
    this.#events.push(event);
    void this.#flush();
  }

  /** Delivers queued announcements, a batch at a time, one batch after another. */
  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (!this.#closed && (this.#events.length > 0 || this.#recheck)) {
        const batch = this.#events;
        this.#events = [];
        this.#recheck = false;
        await this.#deliver(batch);
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #deliver(batch: RoomEvent[]): Promise<void> {
    const streams = [...this.#streams].filter((s) => !s.ended);
    if (streams.length === 0) return;
    const { db, logger } = this.#options;
    let messages: ChatMessage[];
    let members: Set<string>;
    try {
      messages = await this.#messagesOf(batch);
      const byMembership = [...new Set(streams.filter((s) => !s.granted).map((s) => s.userId))];
      members = new Set(byMembership.length > 0 ? await findMemberIdsAmong(db, this.#roomId, byMembership) : []);
      if (messages.length > 0) this.#frontier = Math.max(this.#frontier ?? 0, ...messages.map((m) => m.sequence));
    } catch (error) {
      // The messages are safe in the database: each stream reads them itself (with retries).
      logger.warn('could not deliver room events; feeds will re-read', { err: error, roomId: this.#roomId });
      for (const stream of streams) stream.catchUp();
      return;
    }
    for (const stream of streams) {
      if (!stream.granted && !members.has(stream.userId)) stream.revoke();
      else if (messages.length > 0) stream.offer(messages);
    }
    deliveryLag.delivered(messages);
  }

  /** The announced messages: carried whole in the announcement, or read by id when they were too large. */
  async #messagesOf(batch: RoomEvent[]): Promise<ChatMessage[]> {
    const messages: ChatMessage[] = [];
    const missing: string[] = [];
    for (const event of batch) {
      if (event.type !== 'message') continue;
      if (event.row && event.row.room_id === this.#roomId) messages.push(event.row);
      else missing.push(event.id);
    }
    if (missing.length > 0) {
      for (const row of await findMessagesByIds(this.#options.db, missing)) if (row.room_id === this.#roomId) messages.push(row);
    }
    // Announced beyond the frontier with a gap before it: the messages in between committed
    // first (sequences are gapless and commit in order), so they are read now, for everyone.
    // A gap longer than a page (announcements lost while the broker was away) is left to the
    // streams, which read it a page at a time.
    const frontier = this.#frontier;
    const ahead = frontier === null ? [] : messages.filter((m) => m.sequence > frontier).map((m) => m.sequence);
    if (frontier !== null && ahead.length > 0) {
      const lowest = Math.min(...ahead);
      const gap = lowest - frontier - 1;
      if (gap > 0 && gap <= this.#options.pageSize) {
        messages.push(...(await findMessagesBetween(this.#options.db, this.#roomId, frontier, lowest)));
      }
    }
    return messages;
  }
}
