import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { createLogger, type Logger } from './logger.js';

// timestamptz and timestamp columns come back as Date; bigint counts as numbers (they stay far
// below 2^53 here); numeric stays a string so money is never rounded by accident.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const requestScope = new AsyncLocalStorage<true>();

/**
 * Runs `serve` as the handling of one API request: statements sent from it (and from what it
 * starts, such as DataLoader batches) count as the request's, apart from background work.
 */
export function inRequestScope<T>(serve: () => T): T {
  return requestScope.run(true, serve);
}

/** Counts the SQL statements a process sends, for tests and benchmarks. */
export class StatementCounter {
  #count = 0;
  #inRequests = 0;
  #listeners = new Set<(sql: string) => void>();
  /** Every statement sent. */
  get count(): number {
    return this.#count;
  }
  /** Statements sent while handling API requests (not by background work such as workers). */
  get inRequests(): number {
    return this.#inRequests;
  }
  record(sql: string): void {
    this.#count += 1;
    if (requestScope.getStore()) this.#inRequests += 1;
    for (const listener of this.#listeners) listener(sql);
  }
  /** Calls `listener` for each statement until the returned function is called. */
  watch(listener: (sql: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export interface DatabaseOptions {
  connectionString: string;
  /** Most connections the pool opens. */
  poolSize?: number;
  applicationName?: string;
  /** Statements slower than this are passed to `onSlowQuery`. */
  slowQueryMs?: number;
  onSlowQuery?: (event: LogEvent) => void;
  /** Told of connections lost while idle (server restart, terminated backend); default: stderr. */
  logger?: Logger;
}

export interface Database<DB> {
  db: Kysely<DB>;
  pool: pg.Pool;
  statements: StatementCounter;
  close(): Promise<void>;
}

/** A Kysely instance over a pg pool, counting every statement it sends. */
export function createDatabase<DB>(options: DatabaseOptions): Database<DB> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    application_name: options.applicationName,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection the server ends (restart, failover, terminated backend) is dropped from
  // the pool and replaced on next use; without this listener the error would end the process.
  const logger = options.logger ?? createLogger('warn', { component: 'database' });
  pool.on('error', (error) => logger.warn('idle database connection lost', { err: error, application: options.applicationName }));
  const statements = new StatementCounter();
  const slow = options.slowQueryMs ?? Number.POSITIVE_INFINITY;
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log(event) {
      statements.record(event.query.sql);
      if (event.queryDurationMillis >= slow || event.level === 'error') options.onSlowQuery?.(event);
    },
  });
  return {
    db,
    pool,
    statements,
    close: () => db.destroy(),
  };
}
