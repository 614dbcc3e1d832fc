import { isDatabaseUnavailable, type Logger } from '@academy/service-kit';
import { setTimeout as delay } from 'node:timers/promises';
import type { ChatMessage } from '../db/database.js';
import { EventQueue } from './event-queue.js';

/** One subscriber's stream: whose, of which room, and how it reads. */
export interface MessageStreamOptions {
  roomId: string;
  userId: string;
  /** Reads by a grant (a partner client), not by membership: never revoked for not being a member. */
  granted?: boolean;
  /**
   * Reads up to `limit` messages after a sequence, oldest first, together with whether the user
   * is still a member (in the same statement).
   */
  readAfter: (afterSequence: number, limit: number) => Promise<{ isMember: boolean; messages: ChatMessage[] }>;
  /** Messages read per statement when catching up, and how far the reader may run ahead of the client. */
  pageSize: number;
  logger: Logger;
  /** Called once when the stream ends, however it ends. */
  onClose: () => void;
}

/** Waits before the 2nd and 3rd attempt of a read; then the stream fails. */
const READ_RETRY_DELAYS_MS = [250, 1_000];

/**
 * One subscriber's messages of one room, each exactly once and in sequence order.
 *
 * Live messages are offered as they are announced, in any order and possibly more than once;
 * the stream keeps the ones after the last sequence it delivered and releases them in order.
 * When the next sequence is missing (an announcement was lost, or came late, or the stream is
 * replaying history), it reads the missing messages from the database instead. Because a
 * room's sequences are gapless and commit in order, anything announced is preceded in the
 * database by every message before it, so reading "after the last delivered" always fills the
 * gap.
 */
export class MessageStream {
  readonly roomId: string;
  readonly userId: string;
  readonly granted: boolean;
  readonly queue: EventQueue<ChatMessage>;
  readonly #options: MessageStreamOptions;
  readonly #pending = new Map<number, ChatMessage>();
  readonly #abort = new AbortController();
  #delivered = 0;
  #started = false;
  #catchUp = false;
  #pumping = false;

  constructor(options: MessageStreamOptions) {
    this.#options = options;
    this.roomId = options.roomId;
    this.userId = options.userId;
    this.granted = options.granted ?? false;
    this.queue = new EventQueue<ChatMessage>(() => {
      this.#abort.abort();
      this.#pending.clear();
      options.onClose();
    });
  }

  get ended(): boolean {
    return this.queue.ended;
  }

  /**
   * Starts delivering after `sequence`. With `catchUp`, everything after it is read from the
   * database first; live messages offered meanwhile wait and are released after it.
   */
  start(sequence: number, catchUp: boolean): void {
    this.#delivered = sequence;
    this.#catchUp = catchUp;
    this.#started = true;
    void this.#pump();
  }

  /** Live messages of the room, already checked to be readable by this subscriber. */
  offer(messages: readonly ChatMessage[]): void {
    if (this.ended) return;
    for (const message of messages) if (message.sequence > this.#delivered) this.#pending.set(message.sequence, message);
    void this.#pump();
  }

  /** Announcements may have been lost: read whatever came after the last delivered message. */
  catchUp(): void {
    if (this.ended) return;
    this.#catchUp = true;
    void this.#pump();
  }

  /** The subscriber is no longer a member: nothing more is delivered, and the subscription completes. */
  revoke(): void {
    this.queue.end({ discard: true });
  }

  async #pump(): Promise<void> {
    if (this.#pumping || !this.#started || this.ended) return;
    this.#pumping = true;
    try {
      for (;;) {
        this.#releaseContiguous();
        if (this.ended || (this.#pending.size === 0 && !this.#catchUp)) break;
        // Read no further ahead than a page of what the client has yet to take: a long replay
        // to a slow client must not pile up in memory.
        await this.queue.whenBelow(this.#options.pageSize);
        if (this.ended) break;
        const { isMember, messages } = await this.#read();
        if (!isMember) {
          this.revoke();
          break;
        }
        this.#catchUp = messages.length === this.#options.pageSize;
        for (const message of messages) if (message.sequence > this.#delivered) this.#emit(message);
        if (messages.length === 0 && this.#pending.size > 0) {
          // Announced, yet not in the database after the last delivered message: sequences have
          // a hole (rows removed by hand). Skip it rather than wait forever.
          const next = Math.min(...this.#pending.keys());
          this.#options.logger.warn('messages missing from the database; skipping ahead', {
            roomId: this.roomId,
            from: this.#delivered + 1,
            to: next - 1,
          });
          this.#delivered = next - 1;
        }
      }
    } catch (error) {
      if (!this.#abort.signal.aborted) {
        // An outage ends the stream with SERVICE_UNAVAILABLE; the client resumes with afterSequence.
        if (isDatabaseUnavailable(error)) this.#options.logger.warn('message feed ended: database unavailable', { roomId: this.roomId });
        else this.#options.logger.error('message feed failed', { err: error, roomId: this.roomId });
        this.queue.fail(error);
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #read(): Promise<{ isMember: boolean; messages: ChatMessage[] }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#options.readAfter(this.#delivered, this.#options.pageSize);
      } catch (error) {
        const wait = READ_RETRY_DELAYS_MS[attempt];
        if (wait === undefined || this.#abort.signal.aborted) throw error;
        this.#options.logger.warn('reading messages failed; retrying', { err: error, roomId: this.roomId, retryInMs: wait });
        await delay(wait, undefined, { signal: this.#abort.signal });
      }
    }
  }

  #releaseContiguous(): void {
    for (const sequence of this.#pending.keys()) if (sequence <= this.#delivered) this.#pending.delete(sequence);
    for (let next = this.#pending.get(this.#delivered + 1); next; next = this.#pending.get(this.#delivered + 1)) {
      this.#pending.delete(next.sequence);
      this.#emit(next);
    }
  }

  #emit(message: ChatMessage): void {
    this.#delivered = message.sequence;
    this.queue.push(message);
  }
}
