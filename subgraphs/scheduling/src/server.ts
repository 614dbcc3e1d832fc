import { buildSubgraphService, DEFAULT_MIN_GROUP_SIZE, loadTypeDefs, openServiceResources, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { DEFAULT_MEETING_BASE_URL } from './config.js';
import { createContext, type SchedulingSettings } from './context.js';
import type { SchedulingDatabase } from './db/database.js';
import { createCommerceEventConsumer } from './events/commerce-events.consumer.js';
import { createHoldReleaseJob } from './jobs/hold-release.job.js';
import { resolvers } from './resolvers/index.js';

export { loadSchedulingConfig, SCHEDULING_DEFAULT_PORT, schedulingConfigSchema, type SchedulingConfig } from './config.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export { COMMERCE_CONSUMER, createCommerceEventConsumer } from './events/commerce-events.consumer.js';
export type { SchedulingDatabase } from './db/database.js';
export { releaseExpiredHolds, releaseSeatsOfCancelledSession } from './services/registration.service.js';

/** How to build scheduling: the options of every subgraph, and scheduling's own. */
export interface SchedulingServiceOptions extends ServiceOptions {
  /** Base URL of coaching meeting rooms (default: DEFAULT_MEETING_BASE_URL). */
  meetingBaseUrl?: string;
  /** How long a seat of a priced session is held for payment. Default 15. */
  seatHoldMinutes?: number;
  /** How often lapsed holds are released (they are also released at start). Default 30 s. */
  holdReleaseIntervalMs?: number;
}

/**
 * Builds the scheduling subgraph (schema, server, database, commerce's event consumer and the
 * hold-release job) without listening. `start` listens and starts both; the `stop` it returns
 * stops them all.
 */
export function buildSchedulingSubgraph(options: SchedulingServiceOptions) {
  const resources = openServiceResources<SchedulingDatabase>('scheduling', options);
  const { db, background, figures } = resources.database;
  const { logger } = resources;
  const settings: SchedulingSettings = {
    meetingBaseUrl: options.meetingBaseUrl ?? DEFAULT_MEETING_BASE_URL,
    seatHoldMinutes: options.seatHoldMinutes ?? 15,
    minGroupSize: options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE,
  };
  const commerceEvents = createCommerceEventConsumer({
    db: background,
    // A connection of its own, so listening never holds one of the request pool's.
    listen: options.databaseUrl,
    logger: logger.child({ component: 'commerce-events' }),
  });
  const holdRelease = createHoldReleaseJob({ db: background, intervalMs: options.holdReleaseIntervalMs ?? 30_000, logger: logger.child({ component: 'hold-release' }) });
  const service = buildSubgraphService(resources, { typeDefs, resolvers, context: (caller, requestLogger) => createContext({ db, figures }, caller, requestLogger, settings) });

  return {
    ...service,
    commerceEvents,
    holdRelease,
    async start(port: number, host?: string): Promise<RunningServer> {
      const running = await service.start(port, host);
      try {
        await commerceEvents.start();
        await holdRelease.start();
      } catch (error) {
        await commerceEvents.stop();
        await running.stop();
        throw error;
      }
      return {
        ...running,
        async stop() {
          await running.stop();
          await holdRelease.stop();
          await commerceEvents.stop();
        },
      };
    },
  };
}

export type SchedulingSubgraph = ReturnType<typeof buildSchedulingSubgraph>;
