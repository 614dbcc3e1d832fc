import { runSubgraphService } from '@academy/service-kit';
import { buildIdentitySubgraph } from './server.js';

await runSubgraphService(buildIdentitySubgraph, 4001);
