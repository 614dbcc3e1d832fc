import { runSubgraphService } from '@academy/service-kit';
import { loadSchedulingConfig } from './config.js';
import { buildSchedulingSubgraph } from './server.js';

await runSubgraphService(
  (options, config) =>
    buildSchedulingSubgraph({
      ...options,
      analyticsReadDatabaseUrl: config.ANALYTICS_READ_DATABASE_URL,
      meetingBaseUrl: config.COACHING_MEETING_BASE_URL,
      seatHoldMinutes: config.SEAT_HOLD_MINUTES,
      holdReleaseIntervalMs: config.HOLD_RELEASE_INTERVAL_SECONDS * 1000,
    }),
  loadSchedulingConfig,
);
