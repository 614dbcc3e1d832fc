import type { BaseContext } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { sql, type Kysely } from 'kysely';
import { memoryCeilingBytes, type AnswerLimits } from './answer-limits.js';
import type { RequestCaller } from './auth.js';
import { loadConfig, subgraphConfigSchema, type SubgraphConfig } from './config.js';
import { createDatabase } from './db.js';
import type { Route } from './http.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { createSubgraph, runProcess, type GraphQLResolverMap, type RunningServer } from './subgraph.js';

/** How a subgraph service is connected and how loud it is. */
export interface ServiceOptions {
  databaseUrl: string;
  /** Secret shared with the gateway, which signs each request's caller with it. */
  gatewaySecret: string;
  poolSize?: number;
  logLevel?: LogLevel;
  /** How large an answer one request may build (default: see createSubgraph). */
  answerLimits?: AnswerLimits;
}

/**
 * Builds a subgraph service: logger, database (its own role), federated schema and HTTP
 * server, with a context made per request. Nothing listens until `start`.
 */
export function buildSubgraphService<DB, C extends BaseContext>(
  definition: {
    name: string;
    typeDefs: DocumentNode;
    resolvers: GraphQLResolverMap<C>;
    context: (db: Kysely<DB>, caller: RequestCaller, logger: Logger) => C;
    routes?: Record<string, Route>;
  },
  options: ServiceOptions,
) {
  const logger = createLogger(options.logLevel ?? 'info', { service: definition.name });
  const database = createDatabase<DB>({
    connectionString: options.databaseUrl,
    poolSize: options.poolSize,
    applicationName: definition.name,
    logger,
  });
  const subgraph = createSubgraph<C>({
    name: definition.name,
    typeDefs: definition.typeDefs,
    resolvers: definition.resolvers,
    logger,
    context: (caller) => definition.context(database.db, caller, logger),
    readiness: { database: () => sql`SELECT 1`.execute(database.background) },
    gatewaySecret: options.gatewaySecret,
    routes: definition.routes,
    answerLimits: options.answerLimits,
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
  const service = build(
    {
      databaseUrl: settings.DATABASE_URL,
      gatewaySecret: settings.GATEWAY_SECRET,
      poolSize: settings.DATABASE_POOL_SIZE,
      logLevel: settings.LOG_LEVEL,
      answerLimits: { maxItems: settings.MAX_ANSWER_ITEMS, memoryCeilingBytes: memoryCeilingBytes(settings.MEMORY_CEILING_PERCENT) },
    },
    settings,
  );
  await runProcess({
    start: () => service.start(settings.PORT, settings.HOST),
    close: () => service.database.close(),
    logger: service.logger,
  });
}
