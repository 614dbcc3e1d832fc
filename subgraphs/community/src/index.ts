import { runSubgraphService } from '@academy/service-kit';
import { loadCommunityConfig } from './config.js';
import { buildCommunitySubgraph } from './server.js';

await runSubgraphService((options, config) => buildCommunitySubgraph({ ...options, redisUrl: config.REDIS_URL }), loadCommunityConfig);
