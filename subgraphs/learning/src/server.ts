import { buildSubgraphService, DEFAULT_MIN_GROUP_SIZE, loadTypeDefs, openServiceResources, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { createContext } from './context.js';
import type { LearningDatabase } from './db/database.js';
import { createCommerceEventConsumer } from './events/commerce-events.consumer.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export { COMMERCE_CONSUMER, createCommerceEventConsumer } from './events/commerce-events.consumer.js';
export { LEARNING_DEFAULT_PORT, learningConfigSchema, loadLearningConfig, type LearningConfig } from './config.js';

/**
 * Builds the learning subgraph (schema, server, database, commerce's event consumer) without
 * listening. `start` listens and starts the consumer; the `stop` it returns stops both.
 */
export function buildLearningSubgraph(options: ServiceOptions) {
  const resources = openServiceResources<LearningDatabase>('learning', options);
  const { db, background, figures } = resources.database;
  const { logger } = resources;
  const commerceEvents = createCommerceEventConsumer({
    db: background,
    // A connection of its own, so listening never holds one of the request pool's.
    listen: options.databaseUrl,
    logger: logger.child({ component: 'commerce-events' }),
  });
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const service = buildSubgraphService(resources, { typeDefs, resolvers, context: (caller, requestLogger) => createContext({ db, figures }, caller, requestLogger, minGroupSize) });

  return {
    ...service,
    commerceEvents,
    async start(port: number, host?: string): Promise<RunningServer> {
      const running = await service.start(port, host);
      try {
        await commerceEvents.start();
      } catch (error) {
        await running.stop();
        throw error;
      }
      return {
        ...running,
        async stop() {
          await running.stop();
          await commerceEvents.stop();
        },
      };
    },
  };
}

export type LearningSubgraph = ReturnType<typeof buildLearningSubgraph>;
