import { buildSubgraphService, loadTypeDefs, openServiceResources, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { createContext } from './context.js';
import type { AiAnalyticsDatabase } from './db/database.js';
import { createIdentityEventConsumer } from './events/identity-events.consumer.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export { createIdentityEventConsumer, IDENTITY_CONSUMER } from './events/identity-events.consumer.js';

/**
 * Builds the ai-analytics subgraph (schema, server, database, identity's event consumer)
 * without listening. `start` listens and starts the consumer; the `stop` it returns stops both.
 */
export function buildAiAnalyticsSubgraph(options: ServiceOptions) {
  const resources = openServiceResources<AiAnalyticsDatabase>('ai-analytics', options);
  const { db, background } = resources.database;
  const { logger } = resources;
  const identityEvents = createIdentityEventConsumer({
    db: background,
    // A connection of its own, so listening never holds one of the request pool's.
    listen: options.databaseUrl,
    logger: logger.child({ component: 'identity-events' }),
  });
  const service = buildSubgraphService(resources, { typeDefs, resolvers, context: (caller) => createContext(db, caller, logger) });

  return {
    ...service,
    identityEvents,
    async start(port: number, host?: string): Promise<RunningServer> {
      const running = await service.start(port, host);
      try {
        await identityEvents.start();
      } catch (error) {
        await running.stop();
        throw error;
      }
      return {
        ...running,
        async stop() {
          await running.stop();
          await identityEvents.stop();
        },
      };
    },
  };
}

export type AiAnalyticsSubgraph = ReturnType<typeof buildAiAnalyticsSubgraph>;
