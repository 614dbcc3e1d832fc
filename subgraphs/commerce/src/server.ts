import { buildSubgraphService, loadTypeDefs, openServiceResources, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { createContext } from './context.js';
import type { CommerceDatabase } from './db/database.js';
import { createLearningEventConsumer } from './events/learning-events.consumer.js';
import { createSchedulingEventConsumer } from './events/scheduling-events.consumer.js';
import { resolvers } from './resolvers/index.js';

export {
  publishCoursePriceSet,
  publishOrderCancelled,
  publishOrderPaid,
  publishOrderRefunded,
  type OrderEventItem,
} from './events/published.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export * from './events/published.js';
export { createSchedulingEventConsumer, SCHEDULING_CONSUMER } from './events/scheduling-events.consumer.js';
export { createLearningEventConsumer, LEARNING_CONSUMER } from './events/learning-events.consumer.js';

/**
 * Builds the commerce subgraph (schema, server, database, and the consumers of scheduling's and
 * learning's events that keep commerce's copies) without listening. `start` listens and starts
 * the consumers; the `stop` it returns stops them all.
 */
export function buildCommerceSubgraph(options: ServiceOptions) {
  const resources = openServiceResources<CommerceDatabase>('commerce', options);
  const { db, background } = resources.database;
  const { logger } = resources;
  // Each consumer LISTENs on a connection of its own, so listening never holds one of the request pool's.
  const schedulingEvents = createSchedulingEventConsumer({ db: background, listen: options.databaseUrl, logger: logger.child({ component: 'scheduling-events' }) });
  const learningEvents = createLearningEventConsumer({ db: background, listen: options.databaseUrl, logger: logger.child({ component: 'learning-events' }) });
  const service = buildSubgraphService(resources, { typeDefs, resolvers, context: (caller) => createContext(db, caller, logger) });

  return {
    ...service,
    schedulingEvents,
    learningEvents,
    async start(port: number, host?: string): Promise<RunningServer> {
      const running = await service.start(port, host);
      try {
        await schedulingEvents.start();
        await learningEvents.start();
      } catch (error) {
        await schedulingEvents.stop();
        await running.stop();
        throw error;
      }
      return {
        ...running,
        async stop() {
          await running.stop();
          await learningEvents.stop();
          await schedulingEvents.stop();
        },
      };
    },
  };
}

export type CommerceSubgraph = ReturnType<typeof buildCommerceSubgraph>;
