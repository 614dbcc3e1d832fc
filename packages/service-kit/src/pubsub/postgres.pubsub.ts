import pg from 'pg';
import { OutageLog } from '../db.js';
import { createLogger, type Logger } from '../logger.js';
import {
  assertChannel,
  assertPayload,
  ChannelHandlers,
  ReconnectListeners,
  type MessageHandler,
  type PubSub,
  type Unsubscribe,
} from './pubsub.js';

/** Where and how the PostgreSQL pub/sub connects. */
export interface PostgresPubSubOptions {
  /** Where to LISTEN (one dedicated connection) and, without `pool`, where to publish. */
  connectionString: string;
  /** A pool to publish through (each NOTIFY is one short statement); default: a pool of two of its own. */
  pool?: pg.Pool;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  logger?: Logger;
  /** First wait before reconnecting the LISTEN connection; doubles up to `maxReconnectDelayMs`. Default 250 ms. */
  minReconnectDelayMs?: number;
  /** Default 10 s. */
  maxReconnectDelayMs?: number;
}

const quoted = (channel: string) => `"${channel}"`;

/**
 * Pub/sub over PostgreSQL LISTEN/NOTIFY, for processes sharing one database.
 *
 * One dedicated connection per process LISTENs to every channel that has a local handler; it is
 * opened on the first subscription and re-opened (with every channel listened to again) when
 * lost, after which `onReconnect` listeners are told. NOTIFY is sent through a pool, so
 * publishing never waits behind the listening connection.
 */
export function createPostgresPubSub(options: PostgresPubSubOptions): PubSub {
  const logger = (options.logger ?? createLogger('warn')).child({ component: 'pubsub', broker: 'postgres' });
  const applicationName = options.applicationName ?? 'pubsub';
  const minDelay = options.minReconnectDelayMs ?? 250;
  const maxDelay = options.maxReconnectDelayMs ?? 10_000;
  const handlers = new ChannelHandlers();
  const reconnects = new ReconnectListeners();
  /** Per channel: resolves once the channel is listened to on the current connection. */
  const listening = new Map<string, Promise<void>>();
  const logHandlerError = (error: unknown) => logger.error('pub/sub handler failed', { err: error });
  const outage = new OutageLog(logger, 'the LISTEN connection');

  let closed = false;
  let ownPool: pg.Pool | null = null;
  let active: pg.Client | null = null;
  /** The connection being waited for (or in use); replaced each time the connection is lost. */
  let ready: { promise: Promise<pg.Client>; resolve: (c: pg.Client) => void; reject: (e: Error) => void } | null = null;
  let connectedOnce = false;
  let retry: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  /** The running connect loop, awaited on close so no connection outlives it. */
  let connecting: Promise<void> | null = null;

  function deferredClient() {
    let resolve!: (c: pg.Client) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<pg.Client>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Rejected only on close, possibly with nobody waiting: that must not count as unhandled.
    promise.catch(() => undefined);
    return { promise, resolve, reject };
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        retry = null;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      retry = { timer, wake };
    });
  }

  async function connectOnce(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: options.connectionString,
      application_name: `${applicationName}:listen`,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    const lost = (error?: Error) => {
      if (active !== client) return;
      active = null;
      void client.end().catch(() => undefined);
      if (closed) return;
      logger.warn('lost the LISTEN connection; reconnecting', { err: error });
      ready = deferredClient();
      startConnecting();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => handlers.dispatch(message.channel, message.payload ?? '', logHandlerError));
    try {
      await client.connect();
      const channels = handlers.channels();
      if (channels.length > 0) await client.query(channels.map((c) => `LISTEN ${quoted(c)}`).join('; '));
    } catch (error) {
      void client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  /** Connects until it succeeds or the pub/sub is closed, then settles `ready`. */
  async function connectLoop(): Promise<void> {
    const target = ready!;
    for (let failures = 0; !closed; failures++) {
      try {
        const client = await connectOnce();
        if (closed) {
          await client.end().catch(() => undefined);
          break;
        }
        active = client;
        outage.recovered();
        target.resolve(client);
        if (connectedOnce) reconnects.notify(logHandlerError);
        connectedOnce = true;
        return;
      } catch (error) {
        // While the database is away, try every second at most, and say so once.
        const delay = Math.min(outage.ongoing ? Math.min(maxDelay, 1_000) : maxDelay, minDelay * 2 ** failures);
        if (!outage.failed(error)) logger.warn('could not open the LISTEN connection; retrying', { err: error, retryInMs: delay });
        await sleep(delay);
      }
    }
    target.reject(new Error('the pub/sub is closed'));
  }

  function startConnecting(): void {
    const loop = connectLoop().finally(() => {
      if (connecting === loop) connecting = null;
    });
    connecting = loop;
  }

  function connection(): Promise<pg.Client> {
    if (closed) return Promise.reject(new Error('the pub/sub is closed'));
    if (!ready) {
      ready = deferredClient();
      startConnecting();
    }
    return ready.promise;
  }

  /** LISTENs to `channel` on the current connection, waiting through reconnections. */
  async function listen(channel: string): Promise<void> {
    for (;;) {
      const client = await connection();
      // A connection made after the handler was added listened to the channel already.
      if (!handlers.has(channel)) return;
      try {
        await client.query(`LISTEN ${quoted(channel)}`);
        return;
      } catch (error) {
        // The connection died under the query: wait for the next one. Anything else is real.
        if (closed || active === client) throw error;
      }
    }
  }

  function publishPool(): pg.Pool {
    if (options.pool) return options.pool;
    if (!ownPool) {
      ownPool = new pg.Pool({ connectionString: options.connectionString, max: 2, application_name: `${applicationName}:notify`, idleTimeoutMillis: 30_000 });
      ownPool.on('error', (error) => logger.warn('idle NOTIFY connection lost', { err: error }));
    }
    return ownPool;
  }

  return {
    async publish(channel, payload) {
      assertChannel(channel);
      assertPayload(payload);
      if (closed) throw new Error('the pub/sub is closed');
      await publishPool().query('SELECT pg_notify($1, $2)', [channel, payload]);
    },

    async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
      assertChannel(channel);
      if (closed) throw new Error('the pub/sub is closed');
      if (handlers.add(channel, handler)) listening.set(channel, listen(channel));
      const unsubscribe: Unsubscribe = async () => {
        if (!handlers.remove(channel, handler)) return;
        listening.delete(channel);
        if (active && !closed) await active.query(`UNLISTEN ${quoted(channel)}`).catch(() => undefined);
      };
      try {
        await listening.get(channel);
      } catch (error) {
        await unsubscribe();
        throw error;
      }
      return unsubscribe;
    },

    onReconnect: (listener) => reconnects.add(listener),

    async close() {
      if (closed) return;
      closed = true;
      handlers.clear();
      reconnects.clear();
      listening.clear();
      retry?.wake();
      await connecting;
      ready?.reject(new Error('the pub/sub is closed'));
      const client = active;
      active = null;
      await client?.end().catch(() => undefined);
      await ownPool?.end();
    },
  };
}
