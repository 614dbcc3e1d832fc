import { runSubgraphService } from '@academy/service-kit';
import { loadCommerceConfig } from './config.js';
import { buildCommerceSubgraph } from './server.js';

await runSubgraphService((options, config) => buildCommerceSubgraph({ ...options, analyticsReadDatabaseUrl: config.ANALYTICS_READ_DATABASE_URL, payments: config, refunds: config }), loadCommerceConfig);
