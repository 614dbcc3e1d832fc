import { runSubgraphService } from '@academy/service-kit';
import { loadSchedulingConfig } from './config.js';
import { buildSchedulingSubgraph } from './server.js';

await runSubgraphService((options, config) => buildSchedulingSubgraph({ ...options, meetingBaseUrl: config.COACHING_MEETING_BASE_URL }), loadSchedulingConfig);
