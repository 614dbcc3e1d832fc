import { runSubgraphService } from '@academy/service-kit';
import { buildCommerceSubgraph } from './server.js';

await runSubgraphService(buildCommerceSubgraph, 4004);
