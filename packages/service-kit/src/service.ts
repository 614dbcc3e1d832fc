import type { BaseContext } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { sql } from 'kysely';
import { memoryCeilingBytes, type AnswerLimits } from './answer-limits.js';
import type { RequestCaller } from './auth.js';
import { loadConfig, subgraphConfigSchema, type SubgraphConfig } from './config.js';
import { createDatabase, type Database } from './db.js';
import type { ShutdownSettings } from './graceful-shutdown.js';
import type { Route } from './http.js';
import { createLogger, requestLogger, type LogDestination, type Logger, type LogLevel } from './logger.js';
import type { MetricsSettings } from './observability/metrics.js';
import type { SubgraphResolvers } from './resolver-map.js';
import { startTracing } from './observability/tracing.js';
import { createSubgraph, runProcess, type RunningServer } from './subgraph.js';

/** How a subgraph service is connected and how loud it is. */
export interface ServiceOptions {
  databaseUrl: string;
  /**
   * A read replica of the same database, connected as the same role, that the analyst figures
   * of the subgraph read from (ANALYTICS_READ_DATABASE_URL); unset: they read from `databaseUrl`.
   */
  analyticsReadDatabaseUrl?: string;
  /** Secret shared with the gateway, which signs each request's caller with it. */
  gatewaySecret: string;
  poolSize?: number;
  logLevel?: LogLevel;
  /** Where its log lines go; default stderr. */
  logDestination?: LogDestination;
  /** How large an answer one request may build (default: see createSubgraph). */
  answerLimits?: AnswerLimits;
  /** Below this many distinct users a bucket of an analyst figure is withheld (default DEFAULT_MIN_GROUP_SIZE). */
  minGroupSize?: number;
  /** Where /metrics is served and whether it needs a token (default: the service's port, open). */
  metrics?: MetricsSettings;
  /** How a stop waits for requests in flight (default: 10 s, no delay). */
  shutdown?: ShutdownSettings;
  /** A Unix-domain socket to serve on as well as the port (SOCKET_PATH); unset: the port only. */
  socketPath?: string;
}

/** What a subgraph service is built on, opened before anything that needs it. */
export interface ServiceResources<DB> {
  /** The subgraph's name, as composed into the supergraph. */
  name: string;
  logger: Logger;
  /** The subgraph's database (its own role): request pool and background pool, and the analyst figures' replica if one is set. */
  database: Database<DB>;
  options: ServiceOptions;
}

/** Opens a subgraph's logger and database: what its services, workers and routes are built on. */
export function openServiceResources<DB>(name: string, options: ServiceOptions): ServiceResources<DB> {
  const logger = createLogger(options.logLevel ?? 'info', { service: name }, { destination: options.logDestination });
  const database = createDatabase<DB>({
    connectionString: options.databaseUrl,
    figuresConnectionString: options.analyticsReadDatabaseUrl,
    poolSize: options.poolSize,
    applicationName: name,
    logger,
    metricsService: name,
  });
  return { name, logger, database, options };
}

/**
 * Builds a subgraph service on resources already open: federated schema and HTTP server, with
 * a context made per request from what the subgraph has built. Nothing listens until `start`.
 */
export function buildSubgraphService<DB, C extends BaseContext>(
  resources: ServiceResources<DB>,
  definition: {
    typeDefs: DocumentNode;
    /** The subgraph's resolvers, typed by its generated `Resolvers`. */
    resolvers: SubgraphResolvers;
    /**
     * The context of one request, for the caller the gateway vouched for; `logger` is the
     * request's own (its id, from the caller token, on every line).
     */
    context: (caller: RequestCaller, logger: Logger) => C;
    routes?: Record<string, Route>;
  },
) {
  const { name, logger, database, options } = resources;
  const subgraph = createSubgraph<C>({
    name,
    typeDefs: definition.typeDefs,
    resolvers: definition.resolvers,
    logger,
    context: (caller) => definition.context(caller, caller.requestId ? requestLogger(logger, caller.requestId) : logger),
    readiness: { database: () => sql`SELECT 1`.execute(database.background) },
    gatewaySecret: options.gatewaySecret,
    routes: definition.routes,
    answerLimits: options.answerLimits,
    metrics: options.metrics,
    shutdown: options.shutdown,
    socketPath: options.socketPath,
  });
  return { ...subgraph, database, logger };
}

/** What running a service as a process needs of it. */
export interface RunnableService {
  /** The subgraph's name, as composed into the supergraph: the audience of its caller tokens. */
  name: string;
  start(port: number, host?: string): Promise<RunningServer>;
  database: { close(): Promise<void> };
  logger: Logger;
}

/**
 * The body of a subgraph's index.ts: read config, build, listen, stop cleanly on signals.
 * `config` is the subgraph's defaults port, or a loader for a configuration that extends the
 * common one (the loaded settings are handed to `build` as well).
 */
export async function runSubgraphService<S extends SubgraphConfig = SubgraphConfig>(
  build: (options: ServiceOptions, settings: S) => RunnableService,
  config: number | (() => S),
): Promise<void> {
  const settings = typeof config === 'number' ? (loadConfig(subgraphConfigSchema(config)) as S) : config();
  const shutdown = { timeoutMs: settings.SHUTDOWN_TIMEOUT_MS, delayMs: settings.SHUTDOWN_DELAY_MS };
  const service = build(
    {
      databaseUrl: settings.DATABASE_URL,
      gatewaySecret: settings.GATEWAY_SECRET,
      poolSize: settings.DATABASE_POOL_SIZE,
      logLevel: settings.LOG_LEVEL,
      answerLimits: { maxItems: settings.MAX_ANSWER_ITEMS, memoryCeilingBytes: memoryCeilingBytes(settings.MEMORY_CEILING_PERCENT) },
      minGroupSize: settings.MIN_GROUP_SIZE,
      metrics: { port: settings.METRICS_PORT, token: settings.METRICS_TOKEN },
      shutdown,
      socketPath: settings.SOCKET_PATH,
    },
    settings,
  );
  // Traces (OTEL_* variables), under the subgraph's name unless OTEL_SERVICE_NAME says otherwise.
  const tracing = await startTracing(service.name);
  await runProcess({
    shutdown,
    start: () => service.start(settings.PORT, settings.HOST),
    close: async () => {
      await service.database.close();
      await tracing.shutdown();
    },
    logger: service.logger,
  });
}
