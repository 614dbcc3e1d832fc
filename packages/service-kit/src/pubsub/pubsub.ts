/** Handles one message published on a channel this process subscribed to. */
export type MessageHandler = (payload: string) => void;

/** Stops one handler's subscription; the last handler of a channel unsubscribes the process. */
export type Unsubscribe = () => Promise<void>;

/**
 * Fire-and-forget messages between the processes of one deployment (and within this one).
 *
 * Delivery is at most once and nothing is stored: a process that is disconnected when a
 * message is published never sees it. Subscribers that must not miss anything keep the truth
 * in the database and use messages as hints, catching up after `onReconnect`.
 */
export interface PubSub {
  /** Sends `payload` to every handler subscribed to `channel`, in every process. */
  publish(channel: string, payload: string): Promise<void>;
  /**
   * Calls `handler` with every message published on `channel` from the moment the returned
   * promise resolves (the subscription is then active at the broker, not merely requested).
   */
  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe>;
  /**
   * Calls `listener` whenever the connection to the broker was lost and is back, with every
   * channel subscribed again: messages published in between were lost. Returns a remover.
   */
  onReconnect(listener: () => void): () => void;
  /** Unsubscribes everything and closes the connections. */
  close(): Promise<void>;
}

/**
 * Largest payload either implementation accepts, in UTF-8 bytes. PostgreSQL refuses NOTIFY
 * payloads of 8,000 bytes or more; one limit for both keeps callers from depending on Redis.
 */
export const MAX_PAYLOAD_BYTES = 7_500;

/** Thrown by `publish` for a payload over {@link MAX_PAYLOAD_BYTES}. */
export class PayloadTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`pub/sub payload of ${bytes} bytes is over the limit of ${MAX_PAYLOAD_BYTES}`);
    this.name = 'PayloadTooLargeError';
  }
}

/** Letters, digits and `_ . : -`, at most 63 bytes: valid as a PostgreSQL channel name once quoted. */
const CHANNEL = /^[A-Za-z0-9_.:-]{1,63}$/;

/** Throws unless `channel` is a name both implementations can carry unchanged. */
export function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`invalid pub/sub channel name "${channel}": use 1 to 63 of A-Z a-z 0-9 _ . : -`);
}

/** Throws {@link PayloadTooLargeError} for a payload over the limit. */
export function assertPayload(payload: string): void {
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) throw new PayloadTooLargeError(bytes);
}

/** How an implementation tells its broker that a channel is wanted, or no longer. */
export interface ChannelBroker {
  /** Resolves once the broker delivers the channel's messages to this process. */
  listen(channel: string): Promise<unknown>;
  unlisten(channel: string): Promise<unknown>;
}

/**
 * The bookkeeping both implementations share: local handlers per channel, so that a channel
 * is subscribed at the broker once per process however many handlers it has.
 */
export class ChannelHandlers {
  readonly #handlers = new Map<string, Set<MessageHandler>>();
  /** Per channel: the broker's subscription, settled once its messages are delivered. */
  readonly #listening = new Map<string, Promise<unknown>>();

  /**
   * {@link PubSub.subscribe} over `broker`: adds `handler`, asks the broker for the channel
   * with its first handler, and resolves once the broker delivers it. The function returned
   * removes the handler, and lets the broker go of the channel with its last. When the broker
   * refuses, the handler is removed again and the refusal thrown.
   */
  async subscribe(channel: string, handler: MessageHandler, broker: ChannelBroker): Promise<Unsubscribe> {
    if (this.add(channel, handler)) this.#listening.set(channel, broker.listen(channel));
    const unsubscribe: Unsubscribe = async () => {
      if (!this.remove(channel, handler)) return;
      this.#listening.delete(channel);
      await broker.unlisten(channel);
    };
    try {
      await this.#listening.get(channel);
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** Adds a handler; true when it is the channel's first (the broker must be told). */
  add(channel: string, handler: MessageHandler): boolean {
    let set = this.#handlers.get(channel);
    const first = !set;
    if (!set) this.#handlers.set(channel, (set = new Set()));
    set.add(handler);
    return first;
  }

  /** Removes a handler; true when it was the channel's last (the broker may be told). */
  remove(channel: string, handler: MessageHandler): boolean {
    const set = this.#handlers.get(channel);
    if (!set?.delete(handler)) return false;
    if (set.size > 0) return false;
    this.#handlers.delete(channel);
    return true;
  }

  has(channel: string): boolean {
    return this.#handlers.has(channel);
  }

  channels(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Calls every handler of `channel`; one throwing does not keep the message from the others. */
  dispatch(channel: string, payload: string, onError: (error: unknown) => void): void {
    const set = this.#handlers.get(channel);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(payload);
      } catch (error) {
        onError(error);
      }
    }
  }

  clear(): void {
    this.#handlers.clear();
    this.#listening.clear();
  }
}

/** The listeners of `onReconnect`. */
export class ReconnectListeners {
  readonly #listeners = new Set<() => void>();

  add(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(onError: (error: unknown) => void): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        onError(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
