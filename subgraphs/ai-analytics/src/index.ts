import { runSubgraphService } from '@academy/service-kit';
import { buildAiAnalyticsSubgraph } from './server.js';

await runSubgraphService(buildAiAnalyticsSubgraph, 4006);
