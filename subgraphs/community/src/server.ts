import { buildSubgraphService, DEFAULT_MIN_GROUP_SIZE, loadTypeDefs, openServiceResources, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { createPubSub, type PubSub } from '@academy/service-kit/pubsub';
import { createContext } from './context.js';
import type { CommunityDatabase } from './db/database.js';
import { createCommerceEventConsumer } from './events/commerce-events.consumer.js';
import { createLearningEventConsumer } from './events/learning-events.consumer.js';
import { createSchedulingEventConsumer } from './events/scheduling-events.consumer.js';
import { createReminderJob } from './jobs/reminder.job.js';
import { createLiveEvents, type FeedObserver } from './live/live-events.js';
import type { ActivityTimings } from './live/room-signals.js';
import { createSubscriptionServer, SUBSCRIPTIONS_PATH } from './live/subscription-server.js';
import { resolvers } from './resolvers/index.js';
import { UNSUBSCRIBE_PATH, unsubscribeRoute } from './routes/unsubscribe.route.js';
import { LinkTokens } from './security/link-tokens.js';
import type { EventNotificationSettings } from './services/event-notifications.service.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export { COMMUNITY_DEFAULT_PORT, communityConfigSchema, loadCommunityConfig, type CommunityConfig } from './config.js';
export { SUBSCRIPTIONS_PATH } from './live/subscription-server.js';
export type { FeedObserver, OpenedFeed } from './live/live-events.js';
export { UNSUBSCRIBE_PATH } from './routes/unsubscribe.route.js';
export { SCHEDULING_CONSUMER, createSchedulingEventConsumer } from './events/scheduling-events.consumer.js';
export { LEARNING_CONSUMER } from './events/learning-events.consumer.js';
export { COMMERCE_CONSUMER } from './events/commerce-events.consumer.js';
export { createReminderJob } from './jobs/reminder.job.js';
export { LinkTokens } from './security/link-tokens.js';
export { publishNotificationEmailRequested } from './events/published.js';
export type { NotificationEmailRequestedPayload } from './events/published.js';
export type { CommunityDatabase } from './db/database.js';

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
  /** The API's public base URL, for unsubscribe links in e-mails. Default http://localhost:4000. */
  publicApiUrl?: string;
  /** The web app's base URL, for links in e-mails. Default http://localhost:3000. */
  appUrl?: string;
  /** How often due reminders are delivered (also at start). Default 60 s. */
  reminderIntervalMs?: number;
  /** How long before a seat hold lapses its holder is warned. Default 5 minutes. */
  seatHoldWarningMinutes?: number;
  /**
   * Whether `start` runs the consumers of other subgraphs' events and the reminder job. Default
   * true; off only for tests that count the statements of this process alone.
   */
  backgroundWork?: boolean;
}

/** A listening community service, with the URLs of its two endpoints. */
export interface RunningCommunityServer extends RunningServer {
  /** The graphql-ws endpoint (same port and path as `url`). */
  subscriptionsUrl: string;
}

/**
 * Builds the community subgraph (schema, HTTP server, subscription endpoint, database, pub/sub,
 * the consumers of scheduling's, learning's and commerce's events, the reminder job and the
 * unsubscribe route) without listening; `start` starts the consumers and the job too. Several
 * built on one database behave as processes of one deployment:
 * a subscriber of one receives the messages sent through another. The `stop` that `start`
 * returns closes the subscription endpoint, the HTTP server and the pub/sub; the database
 * closes with `database.close()`, as for every subgraph.
 */
export function buildCommunitySubgraph(options: CommunityServiceOptions) {
  const resources = openServiceResources<CommunityDatabase>('community', options);
  const { db, background, pool, figures } = resources.database;
  const { logger } = resources;
  const pubsub = options.pubsub ?? createPubSub({ databaseUrl: options.databaseUrl, pool, redisUrl: options.redisUrl, applicationName: 'community', logger });
  // Feeds read on events and on subscribe (over WebSocket), not for an HTTP request.
  const live = createLiveEvents({ db: background, pubsub, logger, replayPageSize: options.replayPageSize, onFeedOpened: options.onFeedOpened, activityTimings: options.activityTimings });
  const links = new LinkTokens(background);
  const settings: EventNotificationSettings = {
    links,
    publicApiUrl: options.publicApiUrl ?? 'http://localhost:4000',
    appUrl: options.appUrl ?? 'http://localhost:3000',
    holdWarningMinutes: options.seatHoldWarningMinutes ?? 5,
    reminderLeadHours: 24,
  };
  // Each consumer LISTENs on a connection of its own, so listening never holds one of the request pool's.
  const consumers = {
    scheduling: createSchedulingEventConsumer({ db: background, settings, live, listen: options.databaseUrl, logger: logger.child({ component: 'scheduling-events' }) }),
    learning: createLearningEventConsumer({ db: background, settings, live, listen: options.databaseUrl, logger: logger.child({ component: 'learning-events' }) }),
    commerce: createCommerceEventConsumer({ db: background, settings, live, listen: options.databaseUrl, logger: logger.child({ component: 'commerce-events' }) }),
  };
  const reminders = createReminderJob({ db: background, settings, live, intervalMs: options.reminderIntervalMs ?? 60_000, logger: logger.child({ component: 'reminders' }) });
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const service = buildSubgraphService(resources, {
    typeDefs,
    resolvers,
    context: (caller, requestLogger) => createContext({ db, figures }, caller, requestLogger, live, minGroupSize),
    routes: { [UNSUBSCRIBE_PATH]: unsubscribeRoute(background, links, logger) },
  });
  const subscriptions = createSubscriptionServer({
    httpServer: service.httpServer,
    schema: service.schema,
    gatewaySecret: options.gatewaySecret,
    subgraphName: service.name,
    context: (caller, requestLogger) => createContext({ db, figures }, caller, requestLogger, live, minGroupSize),
    logger: service.logger,
    keepAliveMs: options.keepAliveMs,
  });

  return {
    ...service,
    pubsub,
    live: live,
    consumers,
    reminders,
    async start(port: number, host?: string): Promise<RunningCommunityServer> {
      const running = await service.start(port, host);
      const stopBackground = async () => {
        await reminders.stop();
        await Promise.all(Object.values(consumers).map((consumer) => consumer.stop()));
      };
      try {
        if (options.backgroundWork !== false) {
          for (const consumer of Object.values(consumers)) await consumer.start();
          await reminders.start();
        }
      } catch (error) {
        await stopBackground();
        await subscriptions.close();
        await live.close();
        await running.stop();
        throw error;
      }
      return {
        ...running,
        subscriptionsUrl: `ws://127.0.0.1:${running.port}${SUBSCRIPTIONS_PATH}`,
        async stop() {
          await stopBackground();
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
