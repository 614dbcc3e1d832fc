import { runSubgraphService } from '@academy/service-kit';
import { buildCommunitySubgraph } from './server.js';

await runSubgraphService(buildCommunitySubgraph, 4005);
