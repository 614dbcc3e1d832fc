import { buildSubgraphService, loadTypeDefs, openServiceResources, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { createContext, type Generators } from './context.js';
import type { AiAnalyticsDatabase } from './db/database.js';
import { createIdentityEventConsumer } from './events/identity-events.consumer.js';
import { createLearningEventConsumer } from './events/learning-events.consumer.js';
import { createSchedulingEventConsumer } from './events/scheduling-events.consumer.js';
import { createLocalEventTaskGenerator } from './generation/event-task-generator.js';
import { createLocalTipGenerator } from './generation/tip-generator.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export { createIdentityEventConsumer, IDENTITY_CONSUMER } from './events/identity-events.consumer.js';
export { createLearningEventConsumer, LEARNING_CONSUMER } from './events/learning-events.consumer.js';
export { createSchedulingEventConsumer, SCHEDULING_CONSUMER } from './events/scheduling-events.consumer.js';
export type { TipGenerator, TipRequest, GeneratedTip } from './generation/tip-generator.js';
export type { EventTaskGenerator, EventTaskRequest, GeneratedEventTask } from './generation/event-task-generator.js';

/**
 * Builds the ai-analytics subgraph (schema, server, database, the consumers of identity's,
 * learning's and scheduling's events) without listening. `start` listens and starts the
 * consumers; the `stop` it returns stops them all. Tips and event tasks are written by the
 * local generators.
 */
export function buildAiAnalyticsSubgraph(options: ServiceOptions) {
  const resources = openServiceResources<AiAnalyticsDatabase>('ai-analytics', options);
  const { db, background } = resources.database;
  const { logger } = resources;
  const consumerOptions = (component: string) => ({
    db: background,
    // A connection of its own, so listening never holds one of the request pool's.
    listen: options.databaseUrl,
    logger: logger.child({ component }),
  });
  const identityEvents = createIdentityEventConsumer(consumerOptions('identity-events'));
  const learningEvents = createLearningEventConsumer(consumerOptions('learning-events'));
  const schedulingEvents = createSchedulingEventConsumer(consumerOptions('scheduling-events'));
  const consumers = [identityEvents, learningEvents, schedulingEvents];
  const generators: Generators = { tipGenerator: createLocalTipGenerator(), eventTaskGenerator: createLocalEventTaskGenerator() };
  const service = buildSubgraphService(resources, { typeDefs, resolvers, context: (caller) => createContext(db, caller, logger, generators) });

  return {
    ...service,
    identityEvents,
    learningEvents,
    schedulingEvents,
    async start(port: number, host?: string): Promise<RunningServer> {
      const running = await service.start(port, host);
      const started: typeof consumers = [];
      try {
        for (const consumer of consumers) {
          await consumer.start();
          started.push(consumer);
        }
      } catch (error) {
        await running.stop();
        for (const consumer of started) await consumer.stop();
        throw error;
      }
      return {
        ...running,
        async stop() {
          await running.stop();
          for (const consumer of consumers) await consumer.stop();
        },
      };
    },
  };
}

export type AiAnalyticsSubgraph = ReturnType<typeof buildAiAnalyticsSubgraph>;
