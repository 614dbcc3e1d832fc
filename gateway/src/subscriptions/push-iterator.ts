/**
 * An async iterator fed from outside (push), ending when told or when its consumer returns.
 * Hand-written rather than an async generator: a generator blocked waiting only sees
 * `return()` at its next yield, so an unsubscribed stream would leak until its next event.
 */
export class PushIterator<T> implements AsyncIterableIterator<T> {
  #queue: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | null = null;
  #failWaiting: ((error: unknown) => void) | null = null;
  #done = false;
  #error: unknown = null;
  readonly #onReturn: () => void;

  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  get done(): boolean {
    return this.#done;
  }

  push(value: T): void {
    if (this.#done) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = this.#failWaiting = null;
      resolve({ value, done: false });
    } else {
      this.#queue.push(value);
    }
  }

  /** Ends after what is queued has been read. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#waiting && this.#queue.length === 0) {
      const resolve = this.#waiting;
      this.#waiting = this.#failWaiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  /** Ends with an error after what is queued has been read. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#error = error ?? new Error('stream failed');
    this.#done = true;
    if (this.#failWaiting && this.#queue.length === 0) {
      const reject = this.#failWaiting;
      this.#waiting = this.#failWaiting = null;
      reject(this.#error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.#queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.#done) {
      if (this.#error) {
        const error = this.#error;
        this.#error = null;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.#done) this.#onReturn();
    this.#done = true;
    this.#queue = [];
    this.#error = null;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = this.#failWaiting = null;
      resolve({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
