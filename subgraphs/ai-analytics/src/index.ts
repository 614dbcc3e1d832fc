import { runSubgraphService } from '@academy/service-kit';
import { loadAiAnalyticsConfig } from './config.js';
import { buildAiAnalyticsSubgraph } from './server.js';

await runSubgraphService(
  (options, config) => buildAiAnalyticsSubgraph({ ...options, analyticsReadDatabaseUrl: config.ANALYTICS_READ_DATABASE_URL, assistant: config, analyticsTimeZones: config.ANALYTICS_TIME_ZONES }),
  loadAiAnalyticsConfig,
);
