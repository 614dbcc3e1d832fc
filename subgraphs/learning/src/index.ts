import { runSubgraphService } from '@academy/service-kit';
import { buildLearningSubgraph } from './server.js';

await runSubgraphService(buildLearningSubgraph, 4002);
