import type pg from 'pg';
import type { Logger } from '../logger.js';
import { createPostgresPubSub } from './postgres.pubsub.js';
import type { PubSub } from './pubsub.js';
import { createRedisPubSub } from './redis.pubsub.js';

export * from './pubsub.js';
export * from './postgres.pubsub.js';
export * from './redis.pubsub.js';

/** What `createPubSub` needs to choose and connect a pub/sub. */
export interface PubSubOptions {
  /** The service's database: LISTEN/NOTIFY runs there unless `redisUrl` is given. */
  databaseUrl: string;
  /** The service's pool, to publish through with PostgreSQL. */
  pool?: pg.Pool;
  /** Use Redis instead of PostgreSQL. */
  redisUrl?: string;
  /** Names the connections, e.g. the service's name. */
  applicationName?: string;
  logger?: Logger;
}

/**
 * The pub/sub a service uses: Redis when `redisUrl` is set, PostgreSQL LISTEN/NOTIFY on its
 * own database otherwise. With Redis, channels are prefixed with the database's name, so
 * processes meet exactly when they share a database, as they do with LISTEN/NOTIFY.
 */
export function createPubSub(options: PubSubOptions): PubSub {
  if (options.redisUrl) {
    const database = decodeURIComponent(new URL(options.databaseUrl).pathname.slice(1)) || 'postgres';
    return createRedisPubSub({
      url: options.redisUrl,
      prefix: `${database}:`,
      // CLIENT LIST then tells which service and database each connection serves.
      connectionName: `${options.applicationName ?? 'pubsub'}:${database}`,
      logger: options.logger,
    });
  }
  return createPostgresPubSub({
    connectionString: options.databaseUrl,
    pool: options.pool,
    applicationName: options.applicationName,
    logger: options.logger,
  });
}
