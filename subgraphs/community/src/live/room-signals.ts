// What happens in a room besides new messages, told live and never stored: who has the room
// open, who is typing, which message was deleted, who was removed. One pub/sub channel per
// room carries it between community processes (PostgreSQL NOTIFY or Redis, neither of which
// keeps a message), and every process with subscribers of the room keeps its own copy of the
// room's activity, built from that channel alone.
import { forbidden, type Logger } from '@academy/service-kit';
import { MAX_PAYLOAD_BYTES, type PubSub, type Unsubscribe } from '@academy/service-kit/pubsub';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChatMessage, CommunityDatabase } from '../db/database.js';
import type { RoomActivityState, RoomPresence } from '../generated/graphql.js';
import { findDeletedMessagesSince, type DeletionKey } from '../repositories/chat-message.repository.js';
import { findMemberIdsAmong } from '../repositories/chat-room.repository.js';
import { messageRow } from './channels.js';
import { EventQueue } from './event-queue.js';

/** The channel of a room's activity, deletions and removals. */
export const roomSignalChannel = (roomId: string) => `community.signals.${roomId}`;

/** One member's state in a room, as roomActivity delivers it. */
export interface ActivityEvent {
  roomId: string;
  userId: string;
  presence: RoomPresence;
  typing: boolean;
  at: Date;
}

/** Timings of activity; the defaults suit people, tests shorten them. */
export interface ActivityTimings {
  /** A TYPING not sent again within this time lapses. Default 6 s. */
  typingExpiryMs: number;
  /** At most one TYPING per sender per room within this time; repeats of a state too. Default 2 s. */
  throttleMs: number;
  /**
   * How often a process re-announces who has the room open through it and re-checks its
   * subscribers' membership. A process silent for three periods (stopped, cut off) is taken
   * to have no one in the room any more. Default 10 s.
   */
  heartbeatMs: number;
}

const DEFAULT_TIMINGS: ActivityTimings = { typingExpiryMs: 6_000, throttleMs: 2_000, heartbeatMs: 10_000 };

/** messageDeleted(since) replays from this long before `since`: a deletion may commit after a later one. */
export const DELETION_REPLAY_MARGIN_MS = 60_000;
const DELETION_PAGE = 200;
/** Members per roster announcement, so that one stays within the pub/sub payload limit. */
const ROSTER_CHUNK = Math.floor((MAX_PAYLOAD_BYTES - 200) / 60);

const guid = z.guid();
const signal = z.discriminatedUnion('type', [
  /** A process's first subscription of the user to the room began (`here`), or its last ended. */
  z.object({ type: z.literal('presence'), origin: z.string(), userId: guid, here: z.boolean() }),
  /** Who has the room open through `origin`, and whether each said AWAY: a heartbeat, or the answer to `sync`. */
  z.object({ type: z.literal('roster'), origin: z.string(), users: z.array(z.object({ u: guid, a: z.boolean() })) }),
  /** A process began listening to the room: the others tell it their rosters. */
  z.object({ type: z.literal('sync'), origin: z.string() }),
  z.object({ type: z.literal('typing'), userId: guid, typing: z.boolean() }),
  z.object({ type: z.literal('away'), userId: guid, away: z.boolean() }),
  z.object({ type: z.literal('message-deleted'), row: messageRow }),
  /** A member left or was removed: their activity and deletion feeds of the room end. */
  z.object({ type: z.literal('member-removed'), userId: guid }),
]);
type Signal = z.output<typeof signal>;

function decodeSignal(payload: string): Signal | null {
  try {
    const result = signal.safeParse(JSON.parse(payload));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** What the room signals of a process are built on. */
export interface RoomSignalsOptions {
  db: Kysely<CommunityDatabase>;
  pubsub: PubSub;
  logger: Logger;
  timings?: Partial<ActivityTimings>;
}

/**
 * The room signals of one community process: announcing activity and deletions, and the
 * roomActivity and messageDeleted feeds of this process's subscribers, one pub/sub
 * subscription per room that has any.
 *
 * Presence is the subscriptions themselves: a member with a roomActivity subscription open
 * in any process is in the room. Each process announces its own (first subscription of a
 * member to a room, last one ended) and, every heartbeat, the whole list, so a process that
 * stops without a word is forgotten after three heartbeats. A process that starts listening
 * to a room asks the others for their lists at once.
 */
export class RoomSignals {
  readonly #options: RoomSignalsOptions;
  readonly timings: ActivityTimings;
  /** Tells this process's announcements from others' (a process's presence is its own to end). */
  readonly origin = randomUUID();
  readonly #rooms = new Map<string, SignalRoom>();
  /** Per sender and room: the last state let through, when, and the last TYPING. */
  readonly #admitted = new Map<string, { state: RoomActivityState; at: number; typingAt: number }>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #offReconnect: () => void;

  constructor(options: RoomSignalsOptions) {
    this.#options = options;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.#heartbeat = setInterval(() => this.#beat(), this.timings.heartbeatMs);
    this.#heartbeat.unref();
    // Announcements made while the broker was out of reach are lost, ours and others'.
    this.#offReconnect = options.pubsub.onReconnect(() => {
      for (const room of this.#rooms.values()) room.resync();
    });
  }

  /**
   * Whether `state` from the sender passes the throttle (and, if so, counts it): at most one
   * TYPING per `throttleMs`, and no repeat of the state let through last within that time.
   * Counted in this process: N processes let up to N through.
   */
  admit(roomId: string, userId: string, state: RoomActivityState, now = Date.now()): boolean {
    const key = `${roomId}|${userId}`;
    const last = this.#admitted.get(key);
    const within = (at: number) => now - at < this.timings.throttleMs;
    if (last && ((state === 'TYPING' && within(last.typingAt)) || (state === last.state && within(last.at)))) return false;
    this.#admitted.set(key, { state, at: now, typingAt: state === 'TYPING' ? now : (last?.typingAt ?? -Infinity) });
    return true;
  }

  /** Tells every process's subscribers of the room what the member is doing. */
  announceActivity(roomId: string, userId: string, state: RoomActivityState): Promise<void> {
    const event: Signal =
      state === 'TYPING' || state === 'IDLE'
        ? { type: 'typing', userId, typing: state === 'TYPING' }
        : { type: 'away', userId, away: state === 'AWAY' };
    return this.#publish(roomId, event);
  }

  /** Tells messageDeleted subscribers of the message's room (call after the deletion committed). */
  announceDeleted(message: ChatMessage): Promise<void> {
    return this.#publish(message.room_id, { type: 'message-deleted', row: message });
  }

  /** Ends the member's activity and deletion feeds of the room, in every process. */
  announceMemberRemoved(roomId: string, userId: string): Promise<void> {
    return this.#publish(roomId, { type: 'member-removed', userId });
  }

  /**
   * A member's roomActivity feed (FORBIDDEN for anyone else): the state of everyone in the room
   * or typing, then each change. While it is open, the member is in the room.
   */
  async openActivity(roomId: string, userId: string): Promise<EventQueue<ActivityEvent>> {
    const room = this.#room(roomId);
    const queue: EventQueue<ActivityEvent> = new EventQueue(() => room.removeActivity(subscriber));
    const subscriber: ActivitySubscriber = { userId, queue, started: false };
    room.addActivity(subscriber);
    try {
      // Listening before the check: a removal committed after it is heard.
      await room.ready;
      await this.#requireMember(roomId, userId);
    } catch (error) {
      queue.end({ discard: true });
      throw error;
    }
    room.start(subscriber);
    return queue;
  }

  /**
   * A member's messageDeleted feed (FORBIDDEN for anyone else). With `since`, the room's
   * deletions from DELETION_REPLAY_MARGIN_MS before it come first; deletions announced
   * meanwhile wait and follow, each message once.
   */
  async openDeletions(roomId: string, userId: string, since: Date | null): Promise<EventQueue<ChatMessage>> {
    const room = this.#room(roomId);
    const queue: EventQueue<ChatMessage> = new EventQueue(() => room.removeDeletions(subscriber));
    const subscriber: DeletionSubscriber = { userId, queue, held: since ? [] : null, seen: new Set() };
    room.addDeletions(subscriber);
    try {
      await room.ready;
      await this.#requireMember(roomId, userId);
      if (since) void this.#replay(roomId, subscriber, new Date(since.getTime() - DELETION_REPLAY_MARGIN_MS));
    } catch (error) {
      queue.end({ discard: true });
      throw error;
    }
    return queue;
  }

  /** Ends every feed and leaves every channel. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#offReconnect();
    const rooms = [...this.#rooms.values()];
    this.#rooms.clear();
    await Promise.all(rooms.map((room) => room.close()));
  }

  async #requireMember(roomId: string, userId: string): Promise<void> {
    const members = await findMemberIdsAmong(this.#options.db, roomId, [userId]);
    if (members.length === 0) throw forbidden('Only members of the room receive its activity.');
  }

  async #replay(roomId: string, subscriber: DeletionSubscriber, from: Date): Promise<void> {
    try {
      let after: DeletionKey | null = null;
      for (;;) {
        await subscriber.queue.whenBelow(DELETION_PAGE);
        if (subscriber.queue.ended) return;
        const page = await findDeletedMessagesSince(this.#options.db, roomId, from, after, DELETION_PAGE);
        for (const message of page) {
          subscriber.seen.add(message.id);
          subscriber.queue.push(message);
        }
        const last = page.at(-1);
        if (!last || page.length < DELETION_PAGE) break;
        after = { deletedAt: last.deleted_at!, id: last.id };
      }
      const held = subscriber.held ?? [];
      subscriber.held = null;
      for (const message of held) if (!subscriber.seen.has(message.id)) subscriber.queue.push(message);
      // The announcement of a deletion the replay read may still be on its way: its id is
      // remembered a while longer, so that it is not delivered twice.
      setTimeout(() => subscriber.seen.clear(), DELETION_REPLAY_MARGIN_MS).unref();
    } catch (error) {
      this.#options.logger.warn('replaying deletions failed', { err: error, roomId });
      subscriber.queue.fail(error);
    }
  }

  #room(roomId: string): SignalRoom {
    let room = this.#rooms.get(roomId);
    if (!room) {
      const created = new SignalRoom(roomId, this, this.#options, () => {
        if (this.#rooms.get(roomId) === created) this.#rooms.delete(roomId);
      });
      this.#rooms.set(roomId, created);
      room = created;
    }
    return room;
  }

  /** Publishes a signal; a lost one is healed by the next heartbeat (presence) or the next signal. */
  async #publish(roomId: string, event: Signal): Promise<void> {
    try {
      await this.#options.pubsub.publish(roomSignalChannel(roomId), JSON.stringify(event));
    } catch (error) {
      this.#options.logger.warn('could not announce room activity', { err: error, roomId, type: event.type });
    }
  }

  /** Sent by rooms: the same publishing, for their own announcements. */
  publish(roomId: string, event: Signal): Promise<void> {
    return this.#publish(roomId, event);
  }

  #beat(): void {
    const now = Date.now();
    for (const [key, last] of this.#admitted) if (now - Math.max(last.at, last.typingAt) >= this.timings.throttleMs) this.#admitted.delete(key);
    for (const room of this.#rooms.values()) void room.beat(now);
  }
}

interface ActivitySubscriber {
  userId: string;
  queue: EventQueue<ActivityEvent>;
  /** Counted in the member's presence (after the membership check). */
  started: boolean;
}

interface DeletionSubscriber {
  userId: string;
  queue: EventQueue<ChatMessage>;
  /** Live deletions held back while the replay runs; null once it is done (or none was asked). */
  held: ChatMessage[] | null;
  /** Ids the replay delivered, so that a live repeat of one is dropped (kept a while after it). */
  seen: Set<string>;
}

type MemberState = Pick<ActivityEvent, 'presence' | 'typing'>;

/** One room's signals in this process: its subscribers, and its activity as this process knows it. */
class SignalRoom {
  readonly ready: Promise<void>;
  readonly #roomId: string;
  readonly #signals: RoomSignals;
  readonly #options: RoomSignalsOptions;
  readonly #onEmpty: () => void;
  readonly #activity = new Set<ActivitySubscriber>();
  readonly #deletions = new Set<DeletionSubscriber>();
  /** Per member: the processes through which they have the room open, and when each last said so. */
  readonly #connections = new Map<string, Map<string, number>>();
  /** This process's open roomActivity subscriptions per member. */
  readonly #local = new Map<string, number>();
  readonly #away = new Set<string>();
  readonly #typing = new Map<string, NodeJS.Timeout>();
  /** The state last delivered per member (members absent and not typing are left out). */
  readonly #shown = new Map<string, MemberState>();
  /** Deletions are delivered one after another, each after its membership check. */
  #deleting: Promise<void> = Promise.resolve();
  #closed = false;
  #unsubscribe: Unsubscribe | null = null;

  constructor(roomId: string, signals: RoomSignals, options: RoomSignalsOptions, onEmpty: () => void) {
    this.#roomId = roomId;
    this.#signals = signals;
    this.#options = options;
    this.#onEmpty = onEmpty;
    this.ready = options.pubsub
      .subscribe(roomSignalChannel(roomId), (payload) => this.#receive(payload))
      .then(async (unsubscribe) => {
        if (this.#closed) return void unsubscribe();
        this.#unsubscribe = unsubscribe;
        await signals.publish(roomId, { type: 'sync', origin: signals.origin });
      });
    this.ready.catch(() => undefined);
  }

  addActivity(subscriber: ActivitySubscriber): void {
    this.#activity.add(subscriber);
  }

  addDeletions(subscriber: DeletionSubscriber): void {
    this.#deletions.add(subscriber);
  }

  /** The subscriber is live: it gets the room's state, and its member is in the room. */
  start(subscriber: ActivitySubscriber): void {
    subscriber.started = true;
    const at = new Date();
    for (const [userId, state] of this.#shown) subscriber.queue.push({ roomId: this.#roomId, userId, ...state, at });
    const count = (this.#local.get(subscriber.userId) ?? 0) + 1;
    this.#local.set(subscriber.userId, count);
    if (count === 1) void this.#signals.publish(this.#roomId, { type: 'presence', origin: this.#signals.origin, userId: subscriber.userId, here: true });
  }

  removeActivity(subscriber: ActivitySubscriber): void {
    if (!this.#activity.delete(subscriber)) return;
    const count = this.#local.get(subscriber.userId);
    if (subscriber.started && count !== undefined) {
      if (count > 1) this.#local.set(subscriber.userId, count - 1);
      else {
        this.#local.delete(subscriber.userId);
        void this.#signals.publish(this.#roomId, { type: 'presence', origin: this.#signals.origin, userId: subscriber.userId, here: false });
      }
    }
    this.#closeIfEmpty();
  }

  removeDeletions(subscriber: DeletionSubscriber): void {
    if (this.#deletions.delete(subscriber)) this.#closeIfEmpty();
  }

  /** After the broker was out of reach: tell our roster, ask for everyone else's. */
  resync(): void {
    void this.#publishRoster();
    void this.#signals.publish(this.#roomId, { type: 'sync', origin: this.#signals.origin });
  }

  /** The heartbeat: announce our roster, forget silent processes, end feeds of non-members. */
  async beat(now: number): Promise<void> {
    if (this.#closed) return;
    await this.#publishRoster();
    const lapse = 3 * this.#signals.timings.heartbeatMs;
    for (const [userId, origins] of this.#connections) {
      for (const [origin, seen] of origins) if (origin !== this.#signals.origin && now - seen > lapse) origins.delete(origin);
      if (origins.size === 0) this.#disconnected(userId);
    }
    // A removal whose announcement was lost still ends the removed member's feeds, a heartbeat later.
    const userIds = [...new Set([...this.#activity, ...this.#deletions].map((s) => s.userId))];
    if (userIds.length === 0) return;
    try {
      const members = new Set(await findMemberIdsAmong(this.#options.db, this.#roomId, userIds));
      for (const userId of userIds) if (!members.has(userId)) this.#endFeedsOf(userId);
    } catch (error) {
      this.#options.logger.warn('could not re-check room members', { err: error, roomId: this.#roomId });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#onEmpty();
    for (const timer of this.#typing.values()) clearTimeout(timer);
    this.#typing.clear();
    for (const subscriber of [...this.#activity]) subscriber.queue.end();
    for (const subscriber of [...this.#deletions]) subscriber.queue.end();
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    await unsubscribe?.();
  }

  #closeIfEmpty(): void {
    if (this.#activity.size === 0 && this.#deletions.size === 0) void this.close();
  }

  #endFeedsOf(userId: string): void {
    for (const subscriber of [...this.#activity]) if (subscriber.userId === userId) subscriber.queue.end();
    for (const subscriber of [...this.#deletions]) if (subscriber.userId === userId) subscriber.queue.end();
  }

  async #publishRoster(): Promise<void> {
    const users = [...this.#local.keys()].map((u) => ({ u, a: this.#away.has(u) }));
    for (let i = 0; i < users.length; i += ROSTER_CHUNK) {
      await this.#signals.publish(this.#roomId, { type: 'roster', origin: this.#signals.origin, users: users.slice(i, i + ROSTER_CHUNK) });
    }
  }

  #receive(payload: string): void {
    const event = decodeSignal(payload);
    if (!event) {
      this.#options.logger.warn('ignored an unknown room signal', { roomId: this.#roomId });
      return;
    }
    if (this.#closed) return;
    switch (event.type) {
      case 'presence':
        if (event.here) this.#connect(event.userId, event.origin);
        else {
          const origins = this.#connections.get(event.userId);
          origins?.delete(event.origin);
          if (!origins || origins.size === 0) this.#disconnected(event.userId);
        }
        break;
      case 'roster':
        for (const { u, a } of event.users) {
          // Only news of a member this process did not know to be here sets AWAY: a roster
          // may cross a later AWAY or PRESENT of the member, which must not be undone.
          if (!this.#connections.has(u) && a) this.#away.add(u);
          this.#connect(u, event.origin);
        }
        break;
      case 'sync':
        if (event.origin !== this.#signals.origin) void this.#publishRoster();
        break;
      case 'typing':
        this.#setTyping(event.userId, event.typing);
        break;
      case 'away':
        if (event.away) this.#away.add(event.userId);
        else this.#away.delete(event.userId);
        this.#changed(event.userId);
        break;
      case 'member-removed':
        this.#endFeedsOf(event.userId);
        this.#setTyping(event.userId, false);
        break;
      case 'message-deleted': {
        const message = event.row;
        if (message.room_id !== this.#roomId) return;
        this.#deleting = this.#deleting.then(() => this.#deliverDeletion(message));
        break;
      }
    }
  }

  #connect(userId: string, origin: string): void {
    let origins = this.#connections.get(userId);
    if (!origins) this.#connections.set(userId, (origins = new Map()));
    origins.set(origin, Date.now());
    this.#changed(userId);
  }

  #disconnected(userId: string): void {
    this.#connections.delete(userId);
    // AWAY lasts while the member has the room open.
    this.#away.delete(userId);
    this.#changed(userId);
  }

  #setTyping(userId: string, typing: boolean): void {
    const timer = this.#typing.get(userId);
    if (timer) clearTimeout(timer);
    if (typing) {
      const expiry = setTimeout(() => this.#setTyping(userId, false), this.#signals.timings.typingExpiryMs);
      expiry.unref();
      this.#typing.set(userId, expiry);
    } else {
      this.#typing.delete(userId);
    }
    this.#changed(userId);
  }

  /** Delivers the member's state to every subscriber if it differs from what they were last told. */
  #changed(userId: string): void {
    const presence: RoomPresence = this.#connections.has(userId) ? (this.#away.has(userId) ? 'AWAY' : 'PRESENT') : 'ABSENT';
    const typing = this.#typing.has(userId);
    const shown = this.#shown.get(userId) ?? { presence: 'ABSENT', typing: false };
    if (shown.presence === presence && shown.typing === typing) return;
    if (presence === 'ABSENT' && !typing) this.#shown.delete(userId);
    else this.#shown.set(userId, { presence, typing });
    // One object for every subscriber: resolved once for all of them (SharedSubscriptions).
    const event: ActivityEvent = { roomId: this.#roomId, userId, presence, typing, at: new Date() };
    for (const subscriber of this.#activity) subscriber.queue.push(event);
  }

  async #deliverDeletion(message: ChatMessage): Promise<void> {
    const subscribers = [...this.#deletions].filter((s) => !s.queue.ended);
    if (subscribers.length === 0) return;
    let members: Set<string>;
    try {
      members = new Set(await findMemberIdsAmong(this.#options.db, this.#roomId, [...new Set(subscribers.map((s) => s.userId))]));
    } catch (error) {
      // The deletion is in the database: the history shows it, and a resubscription with since replays it.
      this.#options.logger.warn('could not deliver a deletion', { err: error, roomId: this.#roomId });
      for (const subscriber of subscribers) subscriber.queue.fail(error);
      return;
    }
    for (const subscriber of subscribers) {
      if (!members.has(subscriber.userId)) subscriber.queue.end();
      else if (subscriber.held) subscriber.held.push(message);
      else if (!subscriber.seen.has(message.id)) subscriber.queue.push(message);
    }
  }
}
