import { runSubgraphService } from '@academy/service-kit';
import { buildSchedulingSubgraph } from './server.js';

await runSubgraphService(buildSchedulingSubgraph, 4003);
