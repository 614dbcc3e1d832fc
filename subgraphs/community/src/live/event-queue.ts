/**
 * The async iterator a subscription resolver returns: events are pushed in, the GraphQL server
 * pulls them out.
 *
 * Hand-written rather than an `async function*`: a generator waiting in `for await` only sees
 * `return()` at its next `yield`, so an unsubscribed client would keep its feed until the next
 * event. Here `return()` (client gone) and `end()` (server done) take effect at once.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  #drained: (() => void)[] = [];
  #ended = false;
  #error: { error: unknown } | null = null;
  #onClose: (() => void) | null;

  /** @param onClose called once when the queue ends, however it ends (to release what feeds it). */
  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  /** Events pushed and not yet taken. */
  get length(): number {
    return this.#items.length;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(item: T): void {
    if (this.#ended) return;
    if (this.#waiting) {
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting.resolve({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  /**
   * Ends the queue: what was pushed is still taken (unless `discard`), then the iterator is
   * done. With `discard`, nothing more reaches the consumer, not even what is queued.
   */
  end(options: { discard?: boolean } = {}): void {
    if (options.discard) this.#items = [];
    if (this.#ended) return;
    this.#ended = true;
    this.#settleWaiting();
    this.#release();
  }

  /** Ends the queue with an error, which the consumer gets after the events already queued. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#error = { error };
    this.end();
  }

  /** Resolves once fewer than `limit` events wait to be taken (or the queue has ended). */
  whenBelow(limit: number): Promise<void> {
    if (this.#ended || this.#items.length < limit) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.#ended || this.#items.length < limit) resolve();
        else this.#drained.push(check);
      };
      this.#drained.push(check);
    });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      const item = this.#items.shift() as T;
      this.#notifyDrained();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#ended) return this.#finish();
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  /** The consumer is gone: stop at once. */
  return(): Promise<IteratorResult<T>> {
    this.end({ discard: true });
    this.#error = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #finish(): Promise<IteratorResult<T>> {
    if (this.#error) {
      const { error } = this.#error;
      this.#error = null;
      return Promise.reject(error);
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  #settleWaiting(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = null;
    // A waiting consumer has taken everything queued: only the end (or error) is left.
    this.#finish().then(waiting.resolve, waiting.reject);
  }

  #notifyDrained(): void {
    const callbacks = this.#drained;
    this.#drained = [];
    for (const check of callbacks) check();
  }

  #release(): void {
    this.#notifyDrained();
    const onClose = this.#onClose;
    this.#onClose = null;
    onClose?.();
  }
}
