import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  closeServer,
  createLogger,
  createServer,
  drainRequests,
  graphqlRequestListener,
  graphqlTracingPlugin,
  healthRoute,
  listen,
  metricsRoutes,
  readinessRoute,
  traceHttpRequests,
  accessLogPlugin,
  withRequestLog,
  startMetricsServer,
  type Logger,
} from '@academy/service-kit';
import { readFileSync } from 'node:fs';
import { clientAddressOf, proxyTrustOf } from './client-address.js';
import { createGatewayContext, type GatewayContext } from './context.js';
import { SubscriptionEngine } from './subscriptions/engine.js';
import { SubscriptionPlanner } from './subscriptions/planner.js';
import { attachSubscriptionServer } from './subscriptions/server.js';
import { UpstreamSubscriptions } from './subscriptions/upstream.js';
import { createThrottles } from './abuse/throttles.js';
import { OAUTH_TOKEN_PATH, oauthTokenForwarder } from './oauth-token.js';
import { LOCAL_PAYMENT_ACTIONS_PATH, localPaymentActionsForwarder, PAYMENT_WEBHOOK_PATH, paymentWebhookForwarder } from './payment-webhook.js';
import { UNSUBSCRIBE_PATH, unsubscribeForwarder } from './unsubscribe.js';
import { CallerSigner } from './caller-signing.js';
import { createCorsHandler } from './cors.js';
import {
  corsOrigins,
  gatewayProfile,
  jwksUrl,
  localPaymentActionsUrl,
  oauthTokenUrl,
  operationLimitSettings,
  paymentWebhookUrl,
  subgraphSecrets,
  subgraphSockets,
  subgraphUrls,
  throttleSettings,
  unsubscribeUrl,
  type GatewayConfig,
} from './config.js';
import { persistedOperationSettings } from './config.js';
import { persistedOperationsGate, persistedQueryStore } from './persisted-operations.js';
import { createGatewayErrorFormatter, OperationLimits, operationLimitsPlugin } from './limits/index.js';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './access-token.js';
import { serviceUnavailablePlugin } from './service-unavailable.plugin.js';
import { createSubgraphFetcher, InProcessDataSource, SubgraphDataSource, type LocalSubgraph } from './subgraph-client.js';
import { clientErrorsPlugin, installScalarParsing } from './client-errors.js';
import { createPlaygroundHandler, ensurePlayground } from './playground/index.js';
import { timedDataSource } from './observability/access-log.js';
import { metricsSettings } from './config.js';
import { createGatewayMetrics, operationNamesOf } from './observability/metrics.js';

export type { LocalSubgraph } from './subgraph-client.js';

export interface RunningGateway {
  port: number;
  url: string;
  /** Where its Prometheus metrics are read (on the gateway's port unless METRICS_PORT is set). */
  metricsUrl: string;
  stop(): Promise<void>;
}

/** What the gateway is built with besides its configuration. */
export interface GatewayParts {
  logger?: Logger;
  verifier?: AccessTokenVerifier;
  /**
   * Subgraphs built in this process, by name: their queries and mutations run here, without
   * HTTP (subscriptions still stream from the subgraph's endpoint). The others are called at
   * their configured URLs.
   */
  localSubgraphs?: Record<string, LocalSubgraph>;
}

/** Builds the gateway over the static supergraph; nothing listens until `start`. */
export function buildGateway(config: GatewayConfig, parts: GatewayParts = {}) {
  const logger = parts.logger ?? createLogger(config.LOG_LEVEL, { service: 'gateway' });
  const verifier =
    parts.verifier ?? createAccessTokenVerifier({ jwksUrl: jwksUrl(config), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  const urls = subgraphUrls(config);
  const trustProxy = proxyTrustOf(config.TRUST_PROXY);
  const signer = new CallerSigner(config.GATEWAY_SECRET, subgraphSecrets(config));
  const supergraphSdl = readFileSync(config.SUPERGRAPH_PATH, 'utf8');
  const http = createSubgraphFetcher({
    connections: config.SUBGRAPH_CONNECTIONS,
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    batching: config.SUBGRAPH_BATCHING,
    sockets: subgraphSockets(config),
    logger,
  });
  const dataSources: Record<string, GraphQLDataSource> = {};
  const persisted = persistedOperationSettings(config);
  const metricsServing = metricsSettings(config);
  const metrics = createGatewayMetrics({ knownOperationNames: operationNamesOf(persisted.manifest.values()), maxOperationNames: metricsServing.maxOperationNames });
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const local = parts.localSubgraphs?.[name];
      if (local) return (dataSources[name] = metrics.instrument(name, timedDataSource(name, new InProcessDataSource(local))));
      const configured = urls[name];
      if (!configured) logger.warn('subgraph without a configured URL; using the composed one', { subgraph: name, url });
      return (dataSources[name] = metrics.instrument(name, timedDataSource(name, new SubgraphDataSource({ url: configured ?? url, fetcher: http.subgraphFetcher, name, logger }))));
    },
  });
  // Subscriptions: planned like queries; the owning subgraph streams over graphql-ws, the rest
  // of each event's plan goes through the same data sources as queries.
  const profile = gatewayProfile(config);
  const limits = operationLimitSettings(config);
  const formatError = createGatewayErrorFormatter(logger, { production: profile.production, maxTokens: limits.maxTokens });
  const planner = new SubscriptionPlanner(supergraphSdl);
  // Subscriptions are validated against the planner's schema: custom scalars parse there as over HTTP.
  installScalarParsing(planner.apiGraphQLSchema);
  // The same limits for both transports, checked before planning.
  const operationLimits = new OperationLimits(planner.apiGraphQLSchema, limits);
  const upstream = new UpstreamSubscriptions(urls, signer, logger);
  const engine = new SubscriptionEngine(planner, upstream, dataSources, signer, logger, formatError);
  const throttles = createThrottles(throttleSettings(config), logger);
  const persistedQueries = persistedQueryStore(persisted, logger);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: profile.introspection,
    parseOptions: { maxTokens: limits.maxTokens },
    // Automatic persisted queries, and the manifest's operations by hash; the limits apply to them as to any document.
    persistedQueries: { cache: persistedQueries.cache, ttl: null },
    // runProcess owns signals: Apollo's own handler would race it and hang the second stop().
    stopOnTerminationSignals: false,
    plugins: [
      metrics.plugin,
      operationLimitsPlugin(operationLimits),
      throttles.plugin,
      clientErrorsPlugin({ path: '/graphql' }),
      serviceUnavailablePlugin(),
      graphqlTracingPlugin(),
      accessLogPlugin<GatewayContext>((context) => context.requestScope),
      formatError.plugin<GatewayContext>((context) => context.requestId),
      // The playground, when on, is the gateway's own page (./playground), never Apollo's.
      ApolloServerPluginLandingPageDisabled(),
    ],
  });

  const readyzOf = (graphqlUrl: string) => {
    const url = new URL(graphqlUrl);
    url.pathname = '/readyz';
    return url.toString();
  };
  const readiness = Object.fromEntries(
    Object.entries(urls).map(([name, url]) => [
      name,
      async () => {
        const response = await http.fetcher(readyzOf(url), { method: 'GET' });
        if (response.status !== 200) throw new Error(`readyz answered ${response.status}`);
        await response.text();
      },
    ]),
  );

  // Set by start() when the playground is on (its bundle may have to be built first).
  let playground: ReturnType<typeof createPlaygroundHandler> | undefined;
  const api = graphqlRequestListener<GatewayContext>({
    apollo: persistedOperationsGate(apollo, persisted, persistedQueries),
    context: ({ req }) => createGatewayContext(req, { signer, verifier, trustProxy }),
    maxBodyBytes: config.MAX_BODY_BYTES,
    cors: createCorsHandler(corsOrigins(config)),
    routes: {
      ...(metricsServing.served ? metricsRoutes(metricsServing) : {}),
      '/healthz': healthRoute,
      '/readyz': readinessRoute(readiness, undefined, () => drain.draining),
      [OAUTH_TOKEN_PATH]: oauthTokenForwarder({ identityUrl: oauthTokenUrl(config), fetch: http.fetcher, throttles, trustProxy, logger }),
      [PAYMENT_WEBHOOK_PATH]: paymentWebhookForwarder({ commerceUrl: paymentWebhookUrl(config), fetch: http.fetcher, logger }),
      [LOCAL_PAYMENT_ACTIONS_PATH]: localPaymentActionsForwarder({ commerceUrl: localPaymentActionsUrl(config), fetch: http.fetcher, logger }),
      [UNSUBSCRIBE_PATH]: unsubscribeForwarder({ communityUrl: unsubscribeUrl(config), fetch: http.fetcher, logger }),
    },
  });
  // Every HTTP answer (GraphQL, errors, forwarded routes, the playground) carries the request's
  // id and is logged once, inside the request's span.
  const httpServer = createServer(
    { keepAliveTimeout: 65_000 },
    traceHttpRequests(withRequestLog(logger, (req, res) => (playground?.(req, res) ? undefined : api(req, res)))),
  );
  const drain = drainRequests(httpServer, { timeoutMs: config.SHUTDOWN_TIMEOUT_MS, delayMs: config.SHUTDOWN_DELAY_MS, logger });

  return {
    apollo,
    gateway,
    httpServer,
    logger,
    async start(port = config.PORT, host = config.HOST): Promise<RunningGateway> {
      await apollo.start();
      if (profile.playground) {
        await ensurePlayground();
        playground = createPlaygroundHandler('/graphql');
      }
      await throttles.ready();
      const subscriptions = attachSubscriptionServer({
        httpServer,
        path: '/graphql',
        planner,
        engine,
        verifier,
        clientAddress: (req) => clientAddressOf(req, trustProxy),
        logger,
        operationLimits,
        persisted,
        formatError,
        limits: {
          initTimeoutMs: config.WS_INIT_TIMEOUT_MS,
          maxSubscriptionsPerConnection: config.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
          maxConnectionsPerUser: config.WS_MAX_CONNECTIONS_PER_USER,
          maxAnonymousConnectionsPerAddress: config.WS_MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS,
          maxAnonymousConnections: config.WS_MAX_ANONYMOUS_CONNECTIONS,
          anonymousIdleTimeoutMs: config.WS_ANONYMOUS_IDLE_TIMEOUT_MS,
          maxMessageBytes: config.WS_MAX_MESSAGE_BYTES,
          maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
          keepAliveMs: config.WS_KEEPALIVE_MS,
        },
      });
      const unwatchSockets = metrics.watchSockets(subscriptions.counts);
      const bound = await listen(httpServer, port, host);
      const metricsServer = await startMetricsServer(metricsServing, host).catch(async (error: unknown) => {
        unwatchSockets();
        await subscriptions.close();
        await closeServer(httpServer);
        throw error;
      });
      if (!metricsServing.served) logger.warn('/metrics is not served: in production set METRICS_PORT (a port clients cannot reach) or METRICS_TOKEN');
      logger.info('gateway listening', { port: bound });
      return {
        port: bound,
        url: `http://127.0.0.1:${bound}/graphql`,
        metricsUrl: metricsServer?.url ?? `http://127.0.0.1:${bound}/metrics`,
        // Readiness turns 503 at once; sockets close with GoingAway (clients reconnect to another
        // process); every HTTP request in flight is answered before the rest closes.
        stop: async () => {
          drain.begin();
          unwatchSockets();
          await metricsServer?.stop();
          await subscriptions.close();
          await upstream.close();
          await drain.close();
          await closeServer(httpServer);
          await apollo.stop();
          await http.close();
          await throttles.close();
          await persistedQueries.close();
        },
      };
    },
  };
}
export { gatewayConfigSchema, gatewayProfile, jwksUrl, loadGatewayConfig, operationLimitSettings, subgraphUrls, type GatewayConfig } from './config.js';
export { createAccessTokenVerifier, type AccessTokenVerifier } from './access-token.js';
