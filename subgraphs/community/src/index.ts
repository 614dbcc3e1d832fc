import { runSubgraphService } from '@academy/service-kit';
import { loadCommunityConfig } from './config.js';
import { buildCommunitySubgraph } from './server.js';

await runSubgraphService(
  (options, config) =>
    buildCommunitySubgraph({
      ...options,
      analyticsReadDatabaseUrl: config.ANALYTICS_READ_DATABASE_URL,
      redisUrl: config.REDIS_URL,
      publicApiUrl: config.PUBLIC_API_URL,
      appUrl: config.APP_URL,
      reminderIntervalMs: config.REMINDER_INTERVAL_SECONDS * 1000,
      seatHoldWarningMinutes: config.SEAT_HOLD_WARNING_MINUTES,
    }),
  loadCommunityConfig,
);
