import pg from 'pg';
import { OutageLog } from '../db.js';
import { ListeningConnection } from '../listening-connection.js';
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
  const handlers = new ChannelHandlers();
  const reconnects = new ReconnectListeners();
  const logHandlerError = (error: unknown) => logger.error('pub/sub handler failed', { err: error });
  const connection = new ListeningConnection({
    source: options.connectionString,
    applicationName,
    channels: () => handlers.channels(),
    onNotification: (channel, payload) => handlers.dispatch(channel, payload, logHandlerError),
    onReconnected: () => reconnects.notify(logHandlerError),
    logger,
    outage: new OutageLog(logger, 'the LISTEN connection'),
    minReconnectDelayMs: options.minReconnectDelayMs ?? 250,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? 10_000,
  });

  let closed = false;
  let ownPool: pg.Pool | null = null;

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
      return handlers.subscribe(channel, handler, connection);
    },

    onReconnect: (listener) => reconnects.add(listener),

    async close() {
      if (closed) return;
      closed = true;
      handlers.clear();
      reconnects.clear();
      await connection.close();
      await ownPool?.end();
    },
  };
}
