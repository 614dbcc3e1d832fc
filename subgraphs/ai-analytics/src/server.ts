import { buildSubgraphService, DEFAULT_MIN_GROUP_SIZE, loadTypeDefs, openServiceResources, type Logger, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { createSubscriptionServer, SUBSCRIPTIONS_PATH } from '@academy/service-kit/subscriptions';
import { assistantSettings, createModelProvider, type AssistantSettings } from './ai/assistant-config.js';
import type { ModelProvider } from './ai/model-provider.js';
import { DEFAULT_ANALYTICS_TIME_ZONES } from './config.js';
import { createContext, type AiAnalyticsSettings, type Generators } from './context.js';
import type { AiAnalyticsDatabase } from './db/database.js';
import { createCommerceEventConsumer } from './events/commerce-events.consumer.js';
import { createIdentityEventConsumer } from './events/identity-events.consumer.js';
import { createLearningAnalyticsConsumer } from './events/learning-analytics.consumer.js';
import { createLearningEventConsumer } from './events/learning-events.consumer.js';
import { createSchedulingAnalyticsConsumer } from './events/scheduling-analytics.consumer.js';
import { createCommunityAnalyticsConsumer } from './events/community-analytics.consumer.js';
import { createSchedulingEventConsumer } from './events/scheduling-events.consumer.js';
import { createLocalEventTaskGenerator } from './generation/event-task-generator.js';
import { createLocalTipGenerator } from './generation/tip-generator.js';
import { keepZoneRollups } from './repositories/analytics-figures.repository.js';
import { resolvers } from './resolvers/index.js';
import type { AssistantRuntime } from './services/assistant.service.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export { createIdentityEventConsumer, IDENTITY_CONSUMER } from './events/identity-events.consumer.js';
export { createLearningEventConsumer, LEARNING_CONSUMER } from './events/learning-events.consumer.js';
export { createSchedulingEventConsumer, SCHEDULING_CONSUMER } from './events/scheduling-events.consumer.js';
export { createLearningAnalyticsConsumer, LEARNING_ANALYTICS_CONSUMER } from './events/learning-analytics.consumer.js';
export { createSchedulingAnalyticsConsumer, SCHEDULING_ANALYTICS_CONSUMER } from './events/scheduling-analytics.consumer.js';
export { createCommunityAnalyticsConsumer, COMMUNITY_ANALYTICS_CONSUMER } from './events/community-analytics.consumer.js';
export { createCommerceEventConsumer, COMMERCE_CONSUMER } from './events/commerce-events.consumer.js';
export type { TipGenerator, TipRequest, GeneratedTip } from './generation/tip-generator.js';
export type { EventTaskGenerator, EventTaskRequest, GeneratedEventTask } from './generation/event-task-generator.js';
export { assistantSettings, createModelProvider, type AssistantSettings } from './ai/assistant-config.js';
export { AI_ANALYTICS_DEFAULT_PORT, aiAnalyticsConfigSchema, loadAiAnalyticsConfig, type AiAnalyticsConfig } from './config.js';
export type { ModelProvider, ModelChunk, ModelMessage, CompletionOptions } from './ai/model-provider.js';
export { OpenAiCompatibleProvider } from './ai/openai-compatible-provider.js';
export { keepZoneRollups } from './repositories/analytics-figures.repository.js';

/** How to build ai-analytics: the options of every subgraph, and the assistant's. */
export interface AiAnalyticsServiceOptions extends ServiceOptions {
  /** The assistant's settings (AI_*); default: the local provider and the default quotas. */
  assistant?: Readonly<AssistantSettings>;
  /** A model to use instead of the one the settings choose (tests). */
  modelProvider?: ModelProvider;
  /** How often the subscription endpoint pings each socket. Default 12 s. */
  keepAliveMs?: number;
  /** The zones (besides UTC) whose local periods get actor counters; default DEFAULT_ANALYTICS_TIME_ZONES. */
  analyticsTimeZones?: readonly string[];
}

/** A listening ai-analytics service, with the URL of its graphql-ws endpoint. */
export interface RunningAiAnalyticsServer extends RunningServer {
  subscriptionsUrl: string;
}

/**
 * Builds the ai-analytics subgraph (schema, HTTP server, subscription endpoint, database, the
 * consumers of identity's, learning's, scheduling's, commerce's and community's events) without listening. `start`
 * listens and starts the consumers; the `stop` it returns stops all of it. Tips and event tasks
 * are written by the local generators.
 */
export function buildAiAnalyticsSubgraph(options: AiAnalyticsServiceOptions) {
  const resources = openServiceResources<AiAnalyticsDatabase>('ai-analytics', options);
  const { db, background, figures } = resources.database;
  const { logger } = resources;
  const settings = options.assistant ?? assistantSettings();
  const assistant: AssistantRuntime = { settings, provider: options.modelProvider ?? createModelProvider(settings, { logger }) };
  const consumerOptions = (component: string) => ({
    db: background,
    // A connection of its own, so listening never holds one of the request pool's.
    listen: options.databaseUrl,
    logger: logger.child({ component }),
  });
  const identityEvents = createIdentityEventConsumer(consumerOptions('identity-events'));
  const learningEvents = createLearningEventConsumer(consumerOptions('learning-events'));
  const schedulingEvents = createSchedulingEventConsumer(consumerOptions('scheduling-events'));
  // learning's and scheduling's events are read twice, each with its own checkpoint: once for
  // ai-analytics' copies (documents, recommendations, events), once to record them as analytics events.
  const learningAnalytics = createLearningAnalyticsConsumer(consumerOptions('learning-analytics'));
  const schedulingAnalytics = createSchedulingAnalyticsConsumer(consumerOptions('scheduling-analytics'));
  const communityAnalytics = createCommunityAnalyticsConsumer(consumerOptions('community-analytics'));
  const commerceEvents = createCommerceEventConsumer(consumerOptions('commerce-events'));
  const consumers = [identityEvents, learningEvents, schedulingEvents, learningAnalytics, schedulingAnalytics, communityAnalytics, commerceEvents];
  const figureSettings: AiAnalyticsSettings = { minGroupSize: options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE };
  const generators: Generators = { tipGenerator: createLocalTipGenerator(), eventTaskGenerator: createLocalEventTaskGenerator() };
  const context = (caller: Parameters<typeof createContext>[1], requestLogger: Logger) => createContext({ db, figures }, caller, requestLogger, generators, assistant, figureSettings);
  const service = buildSubgraphService(resources, { typeDefs, resolvers, context });
  const subscriptions = createSubscriptionServer({
    httpServer: service.httpServer,
    schema: service.schema,
    gatewaySecret: options.gatewaySecret,
    subgraphName: service.name,
    context,
    logger: service.logger,
    keepAliveMs: options.keepAliveMs,
  });

  return {
    ...service,
    identityEvents,
    learningEvents,
    schedulingEvents,
    learningAnalytics,
    schedulingAnalytics,
    communityAnalytics,
    commerceEvents,
    async start(port: number, host?: string): Promise<RunningAiAnalyticsServer> {
      // Before any consumer records an event, so a newly listed zone is counted from the start.
      const zonesStarted = await keepZoneRollups(background, options.analyticsTimeZones ?? DEFAULT_ANALYTICS_TIME_ZONES);
      if (zonesStarted.length > 0) logger.info('zone rollups started', { zones: zonesStarted });
      const running = await service.start(port, host);
      const started: typeof consumers = [];
      try {
        for (const consumer of consumers) {
          await consumer.start();
          started.push(consumer);
        }
      } catch (error) {
        await subscriptions.close();
        await running.stop();
        for (const consumer of started) await consumer.stop();
        throw error;
      }
      return {
        ...running,
        subscriptionsUrl: `ws://127.0.0.1:${running.port}${SUBSCRIPTIONS_PATH}`,
        async stop() {
          await subscriptions.close();
          await running.stop();
          for (const consumer of consumers) await consumer.stop();
        },
      };
    },
  };
}

export type AiAnalyticsSubgraph = ReturnType<typeof buildAiAnalyticsSubgraph>;
