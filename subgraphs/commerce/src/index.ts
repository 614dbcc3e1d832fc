import { runSubgraphService } from '@academy/service-kit';
import { loadCommerceConfig } from './config.js';
import { buildCommerceSubgraph } from './server.js';

await runSubgraphService((options, config) => buildCommerceSubgraph({ ...options, payments: config, refunds: config }), loadCommerceConfig);
