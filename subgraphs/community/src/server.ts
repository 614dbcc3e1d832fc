import { buildSubgraphService, loadTypeDefs, openServiceResources, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { createPubSub, type PubSub } from '@academy/service-kit/pubsub';
import { createContext } from './context.js';
import type { CommunityDatabase } from './db/database.js';
import { createLiveEvents, type FeedObserver } from './live/live-events.js';
import type { ActivityTimings } from './live/room-signals.js';
import { createSubscriptionServer, SUBSCRIPTIONS_PATH } from './live/subscription-server.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export { COMMUNITY_DEFAULT_PORT, communityConfigSchema, loadCommunityConfig, type CommunityConfig } from './config.js';
export { SUBSCRIPTIONS_PATH } from './live/subscription-server.js';
export type { FeedObserver, OpenedFeed } from './live/live-events.js';

/** How to build community: the options of every subgraph, and community's own. */
export interface CommunityServiceOptions extends ServiceOptions {
  /** Fan live events out through Redis; unset: PostgreSQL LISTEN/NOTIFY on the subgraph's database. */
  redisUrl?: string;
  /** A pub/sub to use instead of the one `redisUrl` chooses (it is closed with the service). */
  pubsub?: PubSub;
  /** Messages read per statement when a subscription replays history or fills a gap. Default 200. */
  replayPageSize?: number;
  /** How often the subscription endpoint pings each socket. Default 12 s. */
  keepAliveMs?: number;
  /** Told when a subscriber's feed is live (for metrics, and for tests to know when to act). */
  onFeedOpened?: FeedObserver;
  /** Typing expiry, activity throttle and presence heartbeat; the defaults suit people. */
  activityTimings?: Partial<ActivityTimings>;
}

/** A listening community service, with the URLs of its two endpoints. */
export interface RunningCommunityServer extends RunningServer {
  /** The graphql-ws endpoint (same port and path as `url`). */
  subscriptionsUrl: string;
}

/**
 * Builds the community subgraph (schema, HTTP server, subscription endpoint, database, pub/sub)
 * without listening. Several built on one database behave as processes of one deployment:
 * a subscriber of one receives the messages sent through another. The `stop` that `start`
 * returns closes the subscription endpoint, the HTTP server and the pub/sub; the database
 * closes with `database.close()`, as for every subgraph.
 */
export function buildCommunitySubgraph(options: CommunityServiceOptions) {
  const resources = openServiceResources<CommunityDatabase>('community', options);
  const { db, background, pool } = resources.database;
  const { logger } = resources;
  const pubsub = options.pubsub ?? createPubSub({ databaseUrl: options.databaseUrl, pool, redisUrl: options.redisUrl, applicationName: 'community', logger });
  // Feeds read on events and on subscribe (over WebSocket), not for an HTTP request.
  const live = createLiveEvents({ db: background, pubsub, logger, replayPageSize: options.replayPageSize, onFeedOpened: options.onFeedOpened, activityTimings: options.activityTimings });
  const service = buildSubgraphService(resources, { typeDefs, resolvers, context: (caller) => createContext(db, caller, logger, live) });
  const subscriptions = createSubscriptionServer({
    httpServer: service.httpServer,
    schema: service.schema,
    gatewaySecret: options.gatewaySecret,
    subgraphName: service.name,
    context: (caller) => createContext(db, caller, logger, live),
    logger: service.logger,
    keepAliveMs: options.keepAliveMs,
  });

  return {
    ...service,
    pubsub,
    live: live,
    async start(port: number, host?: string): Promise<RunningCommunityServer> {
      const running = await service.start(port, host);
      return {
        ...running,
        subscriptionsUrl: `ws://127.0.0.1:${running.port}${SUBSCRIPTIONS_PATH}`,
        async stop() {
          // Subscribers first: their feeds end and leave their channels before the pub/sub closes.
          await subscriptions.close();
          await live.close();
          await running.stop();
          await pubsub.close();
        },
      };
    },
  };
}

export type CommunitySubgraph = ReturnType<typeof buildCommunitySubgraph>;

/** One community "process" for tests and tools: built, listening, and closed as a whole. */
export interface StartedCommunityService {
  service: CommunitySubgraph;
  /** The HTTP GraphQL endpoint. */
  url: string;
  /** The graphql-ws endpoint. */
  subscriptionsUrl: string;
  port: number;
  /** Stops the servers and closes the pub/sub and the database pool. */
  stop(): Promise<void>;
}

/**
 * Builds and starts a community service (port 0 picks a free one). Start two on one database
 * to get two processes' worth of community services; `stop` each when done.
 */
export async function startCommunityService(
  options: CommunityServiceOptions,
  listenOn: { port?: number; host?: string } = {},
): Promise<StartedCommunityService> {
  const service = buildCommunitySubgraph(options);
  let running: RunningCommunityServer;
  try {
    running = await service.start(listenOn.port ?? 0, listenOn.host ?? '127.0.0.1');
  } catch (error) {
    await service.pubsub.close();
    await service.database.close();
    throw error;
  }
  return {
    service,
    url: running.url,
    subscriptionsUrl: running.subscriptionsUrl,
    port: running.port,
    async stop() {
      await running.stop();
      await service.database.close();
    },
  };
}
