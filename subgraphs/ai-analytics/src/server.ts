import { buildSubgraphService, loadTypeDefs, openServiceResources, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import type { EventConsumer } from '@academy/service-kit/events';
import { DEFAULT_MIN_GROUP_SIZE } from './config.js';
import { createContext, type AiAnalyticsSettings } from './context.js';
import type { AiAnalyticsDatabase } from './db/database.js';
import { createCommerceEventConsumer } from './events/commerce-events.consumer.js';
import { createIdentityEventConsumer } from './events/identity-events.consumer.js';
import { createLearningEventConsumer } from './events/learning-events.consumer.js';
import { createSchedulingEventConsumer } from './events/scheduling-events.consumer.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export { createIdentityEventConsumer, IDENTITY_CONSUMER } from './events/identity-events.consumer.js';
export { createLearningEventConsumer, LEARNING_CONSUMER } from './events/learning-events.consumer.js';
export { createSchedulingEventConsumer, SCHEDULING_CONSUMER } from './events/scheduling-events.consumer.js';
export { createCommerceEventConsumer, COMMERCE_CONSUMER } from './events/commerce-events.consumer.js';
export { aiAnalyticsConfigSchema, loadAiAnalyticsConfig, AI_ANALYTICS_DEFAULT_PORT, type AiAnalyticsConfig } from './config.js';

/** How to build ai-analytics: the options of every subgraph, and its own. */
export interface AiAnalyticsServiceOptions extends ServiceOptions {
  /** Below this many distinct users a figure is withheld; default 5. */
  minGroupSize?: number;
}

/**
 * Builds the ai-analytics subgraph (schema, server, database, and the consumers that record
 * identity's, learning's, scheduling's and commerce's domain events) without listening.
 * `start` listens and starts the consumers; the `stop` it returns stops them all.
 */
export function buildAiAnalyticsSubgraph(options: AiAnalyticsServiceOptions) {
  const resources = openServiceResources<AiAnalyticsDatabase>('ai-analytics', options);
  const { db, background } = resources.database;
  const { logger } = resources;
  const settings: AiAnalyticsSettings = { minGroupSize: options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE };
  // Each with a LISTEN connection of its own, so listening never holds one of the request pool's.
  const consumerOptions = (component: string) => ({ db: background, listen: options.databaseUrl, logger: logger.child({ component }) });
  const identityEvents = createIdentityEventConsumer(consumerOptions('identity-events'));
  const learningEvents = createLearningEventConsumer(consumerOptions('learning-events'));
  const schedulingEvents = createSchedulingEventConsumer(consumerOptions('scheduling-events'));
  const commerceEvents = createCommerceEventConsumer(consumerOptions('commerce-events'));
  const consumers: EventConsumer[] = [identityEvents, learningEvents, schedulingEvents, commerceEvents];
  const service = buildSubgraphService(resources, { typeDefs, resolvers, context: (caller) => createContext(db, caller, logger, settings) });

  return {
    ...service,
    identityEvents,
    learningEvents,
    schedulingEvents,
    commerceEvents,
    async start(port: number, host?: string): Promise<RunningServer> {
      const running = await service.start(port, host);
      const started: EventConsumer[] = [];
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
