import { Kysely, PostgresDialect, type LogEvent, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { isDatabaseUnavailable } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { traceStatement } from './observability/tracing.js';
import { secondsSince, watchDatabasePool } from './observability/metrics.js';

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
  /** The service whose metrics show this pool (connections, waiting requests, time to get one); default: none. */
  metricsService?: string;
  /**
   * A read replica of the same database for analyst figures, connected as the same role: a pool
   * of its own (`poolSize` connections) behind `Database.figures`. Unset: figures read here.
   */
  figuresConnectionString?: string;
}

/** The `pool` label of a database pool's metrics and log lines. */
export type PoolRole = 'primary' | 'analytics-read';

/** Statement texts worth naming: queries and changes, not transaction control. */
const NAMEABLE = /^\s*(select|with|insert|update|delete)\b/i;

/**
 * Names for the statement texts a process sends repeatedly. A named statement is parsed and
 * planned once per connection, then only bound and executed: the texts Kysely builds are the
 * same for every request of a kind, and PostgreSQL's CPU per statement drops accordingly. A text
 * gets a name the second time it is seen (one-off texts stay unnamed), and at most `limit`
 * texts are named, since every connection keeps each named statement it has prepared.
 */
export class StatementNames {
  readonly #names = new Map<string, string | null>();
  #named = 0;

  constructor(readonly limit = 500) {}

  /** The name to send `text` under, or undefined to send it unnamed. */
  nameOf(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known) return known;
    if (known === undefined) {
      if (this.#names.size < this.limit * 4 && NAMEABLE.test(text)) this.#names.set(text, null);
      return undefined;
    }
    return this.#rename(text);
  }

  /**
   * A new name for `text`: what connections prepared under the old one no longer fits (a
   * column was added to a table it selects `*` from, say), and each re-prepares on next use.
   */
  #rename(text: string): string | undefined {
    if (this.#named >= this.limit) {
      this.#names.delete(text);
      return undefined;
    }
    this.#named += 1;
    const name = `s${this.#named}`;
    this.#names.set(text, name);
    return name;
  }

  /** Gives `text` a new name (see #rename); returns it. */
  renamed(text: string): string | undefined {
    return this.#rename(text);
  }
}

/** PostgreSQL refusing a prepared statement whose result columns changed since it was prepared. */
const isStalePlan = (error: unknown) => (error as { code?: string })?.code === '0A000' && /cached plan must not change result type/.test(String((error as Error).message));

/**
 * `pool` for Kysely, sending each statement that `names` names as a named (prepared) statement;
 * each runs in a span when a traced operation is under way (see traceStatement), and the wait for
 * a connection is reported to `onConnectionWait`.
 */
function preparingPool(pool: pg.Pool, names: StatementNames, application?: string, onConnectionWait?: (seconds: number) => void): PostgresPool {
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    // A statement failing inside a transaction aborts it: only outside one is a retry harmless.
    let inTransaction = false;
    const run = async (text: string, values?: unknown[]) => {
      const control = /^\s*(begin|start|commit|rollback|end)\b/i.exec(text)?.[1]?.toLowerCase();
      if (control) inTransaction = control === 'begin' || control === 'start';
      const name = names.nameOf(text);
      if (!name) return client.query(text, values);
      try {
        return await client.query({ name, text, values });
      } catch (error) {
        if (!isStalePlan(error)) throw error;
        const fresh = names.renamed(text);
        if (inTransaction) throw error;
        return fresh ? client.query({ name: fresh, text, values }) : client.query(text, values);
      }
    };
    return {
      // A cursor (Kysely's stream()) is handed over as it is: it must come back synchronously.
      query: (textOrCursor: unknown, values?: unknown[]) =>
        typeof textOrCursor === 'string' ? traceStatement(textOrCursor, application, () => run(textOrCursor, values)) : client.query(textOrCursor as never),
      release: (error?: Error | boolean) => client.release(error),
    } as unknown as PostgresPoolClient;
  };
  return {
    connect: async () => {
      const startedAt = performance.now();
      const client = await pool.connect();
      onConnectionWait?.(secondsSince(startedAt));
      return wrap(client);
    },
    end: () => pool.end(),
  };
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
  /**
   * For analyst figures' read-only statements in requests: the read replica's pool when
   * `figuresConnectionString` was given, else `db` itself. Never for writes, nor for reads that
   * must see the request's own or a just-made change (a replica may lag behind).
   */
  figures: Kysely<DB>;
  pool: pg.Pool;
  /** The read replica's pool, or null when figures read from `pool`. */
  figuresPool: pg.Pool | null;
  statements: StatementCounter;
  /** Ends every pool of this database (the replica's too). */
  close(): Promise<void>;
}

/**
 * A pg pool that survives losing its connections: each loss is logged with the pool's role and
 * the pool opens a new connection on next use.
 */
function resilientPool(options: DatabaseOptions, connectionString: string, role: PoolRole, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    application_name: options.applicationName,
    idleTimeoutMillis: 30_000,
  });
  const context = { application: options.applicationName, pool: role };
  // An idle connection the server ends (restart, failover, terminated backend) is dropped from
  // the pool and replaced on next use; without this listener the error would end the process.
  pool.on('error', (error) => logger.warn('idle database connection lost', { err: error, ...context }));
  // pg-pool listens for errors only on idle clients: a connection lost while checked out would
  // emit an 'error' nobody handles, which ends the process. Every client therefore carries this
  // listener from the moment it is acquired (the pool emits 'acquire' before it takes its own
  // listener off, and a termination can arrive in the same read as the connection's first
  // ReadyForQuery) until it is released; the statement in flight fails by itself, and the pool
  // discards the dead client on release.
  const lostInUse = (error: Error) => logger.warn('database connection lost while in use', { err: error.message, ...context });
  pool.on('acquire', (client) => client.on('error', lostInUse));
  pool.on('release', (_error, client) => client.off('error', lostInUse));
  return pool;
}

/**
 * A Kysely instance over a pg pool, counting every statement it sends; with
 * `figuresConnectionString`, a second pool on the read replica for analyst figures.
 */
export function createDatabase<DB>(options: DatabaseOptions): Database<DB> {
  const logger = options.logger ?? createLogger('warn', { component: 'database' });
  const statements = new StatementCounter();
  const slow = options.slowQueryMs ?? Number.POSITIVE_INFINITY;
  const kyselyOver = (pool: pg.Pool, role: PoolRole) => {
    const names = new StatementNames();
    const watched = options.metricsService === undefined ? undefined : watchDatabasePool(pool, options.metricsService, role);
    return (inRequest: boolean) =>
      new Kysely<DB>({
        dialect: new PostgresDialect({ pool: preparingPool(pool, names, options.applicationName, watched?.observeConnectionWait) }),
        log(event) {
          statements.record(event.query.sql, inRequest);
          if (event.queryDurationMillis >= slow || event.level === 'error') options.onSlowQuery?.(event);
        },
      });
  };
  const pool = resilientPool(options, options.connectionString, 'primary', logger);
  const primary = kyselyOver(pool, 'primary');
  const db = primary(true);
  const background = primary(false);
  const figuresPool = options.figuresConnectionString === undefined ? null : resilientPool(options, options.figuresConnectionString, 'analytics-read', logger);
  const figures = figuresPool ? kyselyOver(figuresPool, 'analytics-read')(true) : db;
  return {
    db,
    background,
    figures,
    pool,
    figuresPool,
    statements,
    // Destroying one instance ends the pool it shares with the others of that pool.
    close: async () => {
      await Promise.all([db.destroy(), figures === db ? undefined : figures.destroy()]);
    },
  };
}

/**
 * Logs a database outage once for a background worker, and its end once: a worker retrying
 * every second through an outage would otherwise write a line each time.
 */
export class OutageLog {
  #since: number | null = null;

  constructor(
    private readonly logger: Logger,
    /** What waits for the database, e.g. "mail delivery". */
    private readonly what: string,
  ) {}

  /** True while an outage is under way. */
  get ongoing(): boolean {
    return this.#since !== null;
  }

  /**
   * Notes a failure: true (logged at most once per outage) when it is the database being
   * unavailable, false for any other failure, which the caller reports itself.
   */
  failed(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    if (this.#since === null) {
      this.#since = Date.now();
      this.logger.warn(`database unavailable; ${this.what} waits and retries`, { err: (error as Error).message });
    }
    return true;
  }

  /** Notes a success: logs the end of an outage, if one was under way. */
  recovered(): void {
    if (this.#since === null) return;
    this.logger.info(`database available again; ${this.what} resumed`, { outageMs: Date.now() - this.#since });
    this.#since = null;
  }
}
