import { runSubgraphService } from '@academy/service-kit';
import { loadLearningConfig } from './config.js';
import { buildLearningSubgraph } from './server.js';

await runSubgraphService((options, config) => buildLearningSubgraph({ ...options, analyticsReadDatabaseUrl: config.ANALYTICS_READ_DATABASE_URL }), loadLearningConfig);
