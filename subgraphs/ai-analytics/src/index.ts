import { runSubgraphService } from '@academy/service-kit';
import { loadAiAnalyticsConfig } from './config.js';
import { buildAiAnalyticsSubgraph } from './server.js';

await runSubgraphService(
  (options, config) => buildAiAnalyticsSubgraph({ ...options, assistant: config, minGroupSize: config.MIN_GROUP_SIZE, analyticsTimeZones: config.ANALYTICS_TIME_ZONES }),
  loadAiAnalyticsConfig,
);
