import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { parse, type DocumentNode, type FormattedExecutionResult } from 'graphql';
import { answerBudgetOf, attachAnswerBudget, countListItems, DEFAULT_MAX_ANSWER_ITEMS, DEFAULT_MEMORY_CEILING_PERCENT, memoryCeilingBytes, type AnswerLimits } from './answer-limits.js';
import type { RequestCaller } from './auth.js';
import { CALLER_HEADER, CallerTokenError, verifyCallerToken } from './caller-token.js';
import { createErrorFormatter, ErrorCode } from './errors.js';
import { createDirectExecution } from './direct-execution.js';
import { FETCH_BATCH_PATH, fetchBatchListener } from './fetch-batch.js';
import { resolverMapOf, type SubgraphResolvers } from './resolver-map.js';
import { closeServer, closeSocketServer, createServer, graphqlRequestListener, healthRoute, listen, listenOnSocket, readinessRoute, type Route } from './http.js';
import { requestScopeOf, type Logger, type RequestScope } from './logger.js';
import { graphqlTracingPlugin, inChildSpan, traceHttpRequests, TraceAttribute, tracingActive } from './observability/tracing.js';
import { accessLogPlugin, adoptRequestId, logInProcessRequest, withRequestLog } from './observability/access-log.js';
import { metricsRoutes, secondsSince, startMetricsServer, subgraphRequestMetrics, type MetricsSettings } from './observability/metrics.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, drainRequests, type ShutdownSettings } from './graceful-shutdown.js';

/** Parses a subgraph's schema.graphql, given a URL relative to the calling module. */
export function loadTypeDefs(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}

export interface SubgraphOptions<C extends BaseContext> {
  /** The subgraph's name as composed into the supergraph. */
  name: string;
  typeDefs: DocumentNode;
  /** Its resolvers, typed by the subgraph's generated `Resolvers`. */
  resolvers: SubgraphResolvers;
  /**
   * Builds the per-request context (DataLoaders, database) for the caller the gateway vouched
   * for.
   */
  context: (caller: RequestCaller) => C | Promise<C>;
  /** Checks behind /readyz, e.g. the database. */
  readiness: Record<string, () => Promise<unknown>>;
  /** The secret shared with the gateway: requests to /graphql without its caller, signed for this subgraph, are refused. */
  gatewaySecret: string;
  /** More public routes, e.g. /.well-known/jwks.json. */
  routes?: Record<string, Route>;
  /** How large an answer one request may build; default 50,000 list items and 80 % of the heap limit. */
  answerLimits?: AnswerLimits;
  /** Where /metrics is served and whether it needs a token (default: the subgraph's port, open). */
  metrics?: MetricsSettings;
  /** How `stop` waits for requests in flight (see drainRequests). */
  shutdown?: ShutdownSettings;
  /** A Unix-domain socket to serve on as well as the port (SOCKET_PATH): for a gateway on the same machine. */
  socketPath?: string;
  logger: Logger;
}

const REQUEST_SCOPE = Symbol('requestScope');
const REQUEST_ID = Symbol('requestId');
/** A subgraph context's keys for its request's scope and id. */
type RequestKeys = { [REQUEST_SCOPE]?: RequestScope; [REQUEST_ID]?: string };

/** One operation, as the gateway sends it to a subgraph. */
export interface SubgraphRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface RunningServer {
  port: number;
  url: string;
  /** Where its Prometheus metrics are read. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

/**
 * Builds a subgraph: its federated schema on Apollo Server, served over node:http at /graphql
 * with /healthz and /readyz. Nothing listens until `start` is called.
 */
export function createSubgraph<C extends BaseContext>(options: SubgraphOptions<C>) {
  const schema = buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: resolverMapOf<C>(options.resolvers) }]);
  // One request must not be able to build an answer that exhausts the process (a few nested
  // lists multiply): each request's lists are counted, and heap use is watched while they grow.
  countListItems(schema);
  const requestMetrics = subgraphRequestMetrics(options.name);
  const answerLimits = options.answerLimits ?? { maxItems: DEFAULT_MAX_ANSWER_ITEMS, memoryCeilingBytes: memoryCeilingBytes(DEFAULT_MEMORY_CEILING_PERCENT) };
  // `scope` is the request's access line (none when the gateway runs the operation in this process).
  const contextFor = async (caller: RequestCaller, scope?: RequestScope): Promise<C> => {
    const context = await options.context(caller);
    // What the access line and the error lines of the request need, kept on its context under
    // symbols (Apollo Server copies a context per operation; its own keys come along).
    Object.assign(context, { [REQUEST_SCOPE]: scope, [REQUEST_ID]: scope?.requestId ?? caller.requestId ?? undefined });
    attachAnswerBudget(context, answerLimits);
    return context;
  };
  const formatError = createErrorFormatter(options.logger, { databaseErrors: true });
  const apollo = new ApolloServer<C>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Cache hints are not used (nothing caches whole responses), and the cache-control plugin
    // would wrap every field's resolver to collect them: no field is wrapped without it.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      graphqlTracingPlugin(),
      accessLogPlugin<C>((context) => (context as RequestKeys)[REQUEST_SCOPE]),
      formatError.plugin<C>((context) => (context as RequestKeys)[REQUEST_ID]),
      {
        // A request ended by its answer budget answers with the error alone: the lists resolved
        // empty after it would read as real, complete data.
        async requestDidStart() {
          const startedAt = performance.now();
          return {
            async willSendResponse({ contextValue, response }) {
              if (response.body.kind === 'single' && answerBudgetOf(contextValue)?.exceeded) response.body.singleResult.data = null;
              const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
              requestMetrics.observe(
                secondsSince(startedAt),
                errors.map((error) => error.extensions?.code),
              );
            },
          };
        },
      },
    ],
    // runProcess owns signals: Apollo's own handler would race it and hang the second stop().
    stopOnTerminationSignals: false,
  });
  const callers = new WeakMap<IncomingMessage, RequestCaller>();
  // Fetches run without Apollo Server's per-request pipeline, except while tracing (its spans
  // come from Apollo Server's plugins) and whatever the direct path leaves to it.
  const direct = createDirectExecution<C>({
    schema,
    formatError,
    scopeOf: (context) => (context as RequestKeys)[REQUEST_SCOPE],
    requestIdOf: (context) => (context as RequestKeys)[REQUEST_ID],
    exceeded: (context) => Boolean(answerBudgetOf(context)?.exceeded),
    answered: (startedAt, codes) => requestMetrics.observe(secondsSince(startedAt), codes),
  });
  const serveGraphQL = graphqlRequestListener<C>({
    apollo,
    direct: async (req, res, body) => !tracingActive() && (await direct.serve(req, res, body, () => contextFor(callers.get(req)!, requestScopeOf(req)))),
    context: async ({ req }) => contextFor(callers.get(req)!, requestScopeOf(req)),
    routes: { ...options.routes, ...metricsRoutes(options.metrics), '/healthz': healthRoute, '/readyz': readinessRoute(options.readiness, undefined, () => drain.draining) },
  });
  // Several of the gateway's fetches in one request (see fetch-batch.ts): each checked, run and
  // logged as it would be alone.
  const fetchListeners = new Set<(callerToken: string | undefined) => void>();
  const received = (callerToken: string | undefined) => {
    for (const listener of fetchListeners) listener(callerToken);
  };
  const serveBatch = fetchBatchListener<C>({
    received,
    name: options.name,
    gatewaySecret: options.gatewaySecret,
    logger: options.logger,
    answer: direct.answer,
    contextFor,
    serving: () => !tracingActive(),
  });
  // Only the gateway may query a subgraph (including _service and _entities): it signs the caller.
  // Every request is logged once (an access line) under the id the gateway gave it, inside its span.
  const serveLogged = withRequestLog(options.logger, async (req, res) => {
    if ((req.url ?? '/').split('?')[0] === '/graphql') {
      const header = req.headers[CALLER_HEADER];
      if (req.method === 'POST' && fetchListeners.size > 0) received(Array.isArray(header) ? header[0] : header);
      try {
        const caller = await verifyCallerToken(Array.isArray(header) ? header[0] : header, options.gatewaySecret, options.name);
        adoptRequestId(req, caller.requestId, res);
        callers.set(req, caller);
      } catch (error) {
        const message = error instanceof CallerTokenError ? error.message : 'invalid gateway credentials';
        const body = JSON.stringify({ errors: [{ message: `Refused: ${message}.`, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
        res.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
    }
    await serveGraphQL(req, res);
  });
  const httpServer = createServer(
    { keepAliveTimeout: 65_000 },
    traceHttpRequests((req, res) => ((req.url ?? '/').split('?')[0] === FETCH_BATCH_PATH ? serveBatch(req, res) : serveLogged(req, res)), {
      [TraceAttribute.SUBGRAPH]: options.name,
    }),
  );
  const drain = drainRequests(httpServer, { ...options.shutdown, logger: options.logger });

  return {
    name: options.name,
    schema,
    apollo,
    httpServer,
    /**
     * Calls `listener` with the caller token of each fetch the subgraph receives over HTTP: a
     * POST to /graphql before its token is checked, a fetch of a batch once it is answered or
     * refused (one the batch leaves to be sent again alone is reported when it comes alone).
     */
    onFetch(listener: (callerToken: string | undefined) => void): void {
      fetchListeners.add(listener);
    },
    /**
     * Runs one operation for `caller` in this process, as a request to /graphql would run it
     * (the same context, the same error masking), without HTTP: for a gateway in the same
     * process, which is trusted as the caller's signature would be. Available once started.
     */
    async execute(request: SubgraphRequest, caller: RequestCaller): Promise<FormattedExecutionResult> {
      return inChildSpan(`subgraph ${options.name}`, { [TraceAttribute.SUBGRAPH]: options.name }, async () => {
        const started = performance.now();
        const response = await apollo.executeOperation<Record<string, unknown>>(
          { query: request.query, variables: request.variables, operationName: request.operationName },
          { contextValue: await contextFor(caller) },
        );
        if (response.body.kind !== 'single') throw new Error('incremental delivery is not served in process');
        const result = response.body.singleResult;
        logInProcessRequest(options.logger, caller.requestId ?? null, request.operationName ?? null, result.errors, started);
        return result;
      });
    },
    /** Starts Apollo Server and listens; port 0 picks a free port. */
    async start(port: number, host?: string): Promise<RunningServer> {
      await apollo.start();
      const bound = await listen(httpServer, port, host);
      const socket = options.socketPath
        ? await listenOnSocket(httpServer, options.socketPath).catch(async (error: unknown) => {
            await closeServer(httpServer);
            throw error;
          })
        : null;
      const metrics = await startMetricsServer(options.metrics ?? {}, host).catch(async (error: unknown) => {
        if (socket) await closeSocketServer(socket);
        await closeServer(httpServer);
        throw error;
      });
      options.logger.info('subgraph listening', { subgraph: options.name, port: bound, ...(options.socketPath ? { socket: options.socketPath } : {}) });
      return {
        port: bound,
        url: `http://127.0.0.1:${bound}/graphql`,
        metricsUrl: metrics?.url ?? `http://127.0.0.1:${bound}/metrics`,
        // Readiness turns 503, the listener closes, and every request in flight is answered
        // (bounded by the shutdown timeout) before Apollo stops.
        stop: async () => {
          await drain.close();
          await metrics?.stop();
          if (socket) await closeSocketServer(socket);
          await closeServer(httpServer);
          await apollo.stop();
        },
      };
    },
  };
}

/** What a stop may take besides waiting for requests in flight: workers, sockets and pools. */
const STOP_MARGIN_MS = 5_000;

/**
 * Runs a built subgraph (or the gateway) as a process: listens, and on SIGINT or SIGTERM stops
 * accepting, answers what is in flight, stops its workers at a checkpoint, closes the database
 * and exits 0. Should the stop take longer than `shutdownTimeoutMs` and a margin, it exits 1.
 */
export async function runProcess(options: {
  start: () => Promise<RunningServer>;
  close?: () => Promise<void>;
  logger: Logger;
  /** The process's shutdown settings: the forced exit waits for the shutdown delay and the timeout. */
  shutdown?: ShutdownSettings;
}): Promise<void> {
  // Signals are handled from the first moment: one that arrives while the process starts stops
  // it as soon as it has started (a rolling restart may reach a process that is still starting).
  const started = options.start();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    options.logger.info('stopping', { signal });
    const limitMs = (options.shutdown?.delayMs ?? 0) + (options.shutdown?.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS) + STOP_MARGIN_MS;
    const force = setTimeout(() => {
      options.logger.error('stop took too long; exiting', { limitMs });
      process.exit(1);
    }, limitMs);
    force.unref();
    try {
      await (await started).stop();
      await options.close?.();
      options.logger.info('stopped', { signal });
      process.exit(0);
    } catch (error) {
      options.logger.error('stop failed', { err: error });
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Started by the stack's supervisor: when it goes away, so does this process.
  if (process.send) process.on('disconnect', () => void stop('disconnect'));
  await started;
}
