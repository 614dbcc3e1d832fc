import pg from 'pg';
import type { OutageLog } from './db.js';
import type { Logger } from './logger.js';

/** What a {@link ListeningConnection} listens to, where, and whom it tells. */
export interface ListeningConnectionOptions {
  /**
   * A connection string (a client of its own), or a pool to borrow one client from for as long
   * as it listens; a borrowed client is destroyed, never returned, so no pooled connection
   * keeps listening.
   */
  source: string | pg.Pool;
  /** Its own client is shown in pg_stat_activity as `<applicationName>:listen`. */
  applicationName: string;
  /** The channels to LISTEN to, asked again on every new connection. */
  channels(): readonly string[];
  onNotification(channel: string, payload: string): void;
  /** A lost connection is back and listening again; what was notified meanwhile is lost. */
  onReconnected(): void;
  logger: Logger;
  /** Logs a database outage once; may be shared with its owner's other work. */
  outage: OutageLog;
  /** First wait before another try; it doubles with each failure. */
  minReconnectDelayMs: number;
  maxReconnectDelayMs: number;
}

/** Longest wait between tries while the database is unavailable: listening resumes soon after it is back. */
const OUTAGE_RETRY_MS = 1_000;

const quoted = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

interface Deferred {
  promise: Promise<pg.ClientBase>;
  resolve(client: pg.ClientBase): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: (client: pg.ClientBase) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<pg.ClientBase>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejected on close, possibly with nobody waiting: that must not count as unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * One PostgreSQL connection that LISTENs, and keeps listening: when it is lost it is opened
 * again (waits growing from the first delay, at most a second apart while the database is
 * away), every channel is listened to again and the owner is told, since what was notified
 * meanwhile is lost. An outage is logged once, with its end; other failures each time.
 * The event consumer and the PostgreSQL pub/sub each hold one.
 */
export class ListeningConnection {
  readonly #options: ListeningConnectionOptions;
  #closed = false;
  /** The client listening now; null while (re)connecting. */
  #active: pg.ClientBase | null = null;
  /** The connection being waited for (or in use); replaced each time one is lost. */
  #ready: Deferred | null = null;
  #connectedOnce = false;
  #retry: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  /** The running connect loop, awaited on close so that no connection outlives it. */
  #connecting: Promise<void> | null = null;

  constructor(options: ListeningConnectionOptions) {
    this.#options = options;
  }

  /** Connects and listens, trying once: rejects with the failure of that one try. */
  async open(): Promise<void> {
    await this.#connect(true);
  }

  /** The listening client, once there is one: connects (trying until it succeeds) if need be. */
  connected(): Promise<pg.ClientBase> {
    return this.#connect(false);
  }

  /** LISTENs to `channel` now, waiting through reconnections; a new connection listens to it by itself. */
  async listen(channel: string): Promise<void> {
    for (;;) {
      const client = await this.connected();
      // Dropped from the channels meanwhile: nothing to listen to.
      if (!this.#options.channels().includes(channel)) return;
      try {
        await client.query(`LISTEN ${quoted(channel)}`);
        return;
      } catch (error) {
        // The connection died under the query: wait for the next one. Anything else is real.
        if (this.#closed || this.#active === client) throw error;
      }
    }
  }

  /** Stops listening to `channel` on the current connection (a new one leaves it out by itself). */
  async unlisten(channel: string): Promise<void> {
    if (this.#active && !this.#closed) await this.#active.query(`UNLISTEN ${quoted(channel)}`).catch(() => undefined);
  }

  /** Stops reconnecting and closes the connection; waiting callers are refused. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#retry?.wake();
    await this.#connecting;
    this.#ready?.reject(new Error('the listening connection is closed'));
    const client = this.#active;
    this.#active = null;
    if (client) await this.#release(client);
  }

  #connect(once: boolean): Promise<pg.ClientBase> {
    if (this.#closed) return Promise.reject(new Error('the listening connection is closed'));
    if (!this.#ready) {
      this.#ready = deferred();
      this.#startConnecting(once);
    }
    return this.#ready.promise;
  }

  #startConnecting(once: boolean): void {
    const loop = this.#connectLoop(once).finally(() => {
      if (this.#connecting === loop) this.#connecting = null;
    });
    this.#connecting = loop;
  }

  /** Connects until it succeeds (once only, with `once`) or is closed, then settles `#ready`. */
  async #connectLoop(once: boolean): Promise<void> {
    const { logger, outage, minReconnectDelayMs, maxReconnectDelayMs } = this.#options;
    const target = this.#ready!;
    for (let failures = 0; !this.#closed; failures++) {
      try {
        const client = await this.#connectOnce();
        if (this.#closed) {
          await this.#release(client);
          break;
        }
        this.#active = client;
        outage.recovered();
        target.resolve(client);
        if (this.#connectedOnce) this.#options.onReconnected();
        this.#connectedOnce = true;
        return;
      } catch (error) {
        if (once) {
          this.#ready = null;
          target.reject(error as Error);
          return;
        }
        const delay = Math.min(outage.ongoing ? Math.min(maxReconnectDelayMs, OUTAGE_RETRY_MS) : maxReconnectDelayMs, minReconnectDelayMs * 2 ** failures);
        if (!outage.failed(error)) logger.warn('could not open the LISTEN connection; retrying', { err: error, retryInMs: delay });
        await this.#sleep(delay);
      }
    }
    target.reject(new Error('the listening connection is closed'));
  }

  async #connectOnce(): Promise<pg.ClientBase> {
    const { source, applicationName, logger, outage, onNotification } = this.#options;
    const own = typeof source === 'string' ? new pg.Client({ connectionString: source, application_name: `${applicationName}:listen`, keepAlive: true, connectionTimeoutMillis: 10_000 }) : null;
    const client: pg.ClientBase = own ?? (await (source as pg.Pool).connect());
    const lost = (error?: Error) => {
      if (this.#active !== client) return;
      this.#active = null;
      void this.#release(client);
      if (this.#closed) return;
      if (!outage.failed(error)) logger.warn('lost the LISTEN connection; reconnecting', { err: error });
      this.#ready = deferred();
      this.#startConnecting(false);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => onNotification(message.channel, message.payload ?? ''));
    try {
      await own?.connect();
      const channels = this.#options.channels();
      if (channels.length > 0) await client.query(channels.map((channel) => `LISTEN ${quoted(channel)}`).join('; '));
    } catch (error) {
      void this.#release(client);
      throw error;
    }
    return client;
  }

  /** Ends a client of its own; destroys a borrowed one rather than return it to its pool. */
  async #release(client: pg.ClientBase): Promise<void> {
    try {
      if (typeof this.#options.source === 'string') await (client as pg.Client).end();
      else (client as pg.PoolClient).release(true);
    } catch {
      // Already gone.
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#retry = null;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#retry = { timer, wake };
    });
  }
}
