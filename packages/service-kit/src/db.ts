import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { createLogger, type Logger } from './logger.js';

// timestamptz and timestamp columns come back as Date; bigint counts as numbers (they stay far
// below 2^53 here); numeric stays a string so money is never rounded by accident.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Counts the SQL statements a process sends, for tests and benchmarks. */
export class StatementCounter {
  #count = 0;
  #inRequests = 0;
  #listeners = new Set<(sql: string) => void>();
  /** Every statement sent. */
  get count(): number {
    return this.#count;
  }
  /** Statements sent through `db`, which serves API requests (not through `background`). */
  get inRequests(): number {
    return this.#inRequests;
  }
  record(sql: string, inRequest: boolean): void {
    this.#count += 1;
    if (inRequest) this.#inRequests += 1;
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
  /** For serving API requests: its statements count in `statements.inRequests`. */
  db: Kysely<DB>;
  /**
   * The same pool, for work no request waits for (workers, live feeds, readiness checks): its
   * statements count in `statements.count` only. Two instances rather than a request scope
   * carried through async context, which would slow down every promise in the process.
   */
  background: Kysely<DB>;
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
  const kysely = (inRequest: boolean) =>
    new Kysely<DB>({
      dialect: new PostgresDialect({ pool }),
      log(event) {
        statements.record(event.query.sql, inRequest);
        if (event.queryDurationMillis >= slow || event.level === 'error') options.onSlowQuery?.(event);
      },
    });
  const db = kysely(true);
  const background = kysely(false);
  return {
    db,
    background,
    pool,
    statements,
    // Destroying one instance ends the pool they share.
    close: () => db.destroy(),
  };
}
