import { runSubgraphService } from '@academy/service-kit';
import { loadIdentityConfig } from './config.js';
import { buildIdentitySubgraph } from './server.js';

await runSubgraphService((options, config) => buildIdentitySubgraph({ ...options, identity: config }), loadIdentityConfig);
