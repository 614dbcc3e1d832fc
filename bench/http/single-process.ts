// The gateway with the six subgraphs built in its own process (queries and mutations run in
// process, without HTTP between gateway and subgraphs), for the side-by-side benchmark.
// Environment: the gateway's (PORT, GATEWAY_SECRET, <SUBGRAPH>_URL, JWKS_URL), each
// subgraph's <SCHEMA>_DATABASE_URL, identity's JWT_PRIVATE_KEY and JWT_KEY_ID.
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { buildGateway } from '../../gateway/src/server.js';
import { runProcess, type ServiceOptions } from '../../packages/service-kit/src/index.js';
import { buildAiAnalyticsSubgraph } from '../../subgraphs/ai-analytics/src/server.js';
import { buildCommerceSubgraph } from '../../subgraphs/commerce/src/server.js';
import { buildCommunitySubgraph } from '../../subgraphs/community/src/server.js';
import { buildIdentitySubgraph, identitySettings } from '../../subgraphs/identity/src/server.js';
import { buildLearningSubgraph } from '../../subgraphs/learning/src/server.js';
import { buildSchedulingSubgraph } from '../../subgraphs/scheduling/src/server.js';
import { SUBGRAPH_DATABASES } from '../../db/src/subgraphs.js';

const env = process.env;
const gatewayConfig = loadGatewayConfig(env);
const identity = identitySettings({ JWT_PRIVATE_KEY: env.JWT_PRIVATE_KEY, JWT_KEY_ID: env.JWT_KEY_ID, MAIL_DIR: env.MAIL_DIR });
const builders = {
  identity: (options: ServiceOptions) => buildIdentitySubgraph({ ...options, identity }),
  learning: buildLearningSubgraph,
  scheduling: buildSchedulingSubgraph,
  commerce: buildCommerceSubgraph,
  community: buildCommunitySubgraph,
  'ai-analytics': buildAiAnalyticsSubgraph,
};
const services = SUBGRAPH_DATABASES.map((subgraph) => {
  const databaseUrl = env[subgraph.urlVariable];
  if (!databaseUrl) throw new Error(`${subgraph.urlVariable} is not set`);
  const build = builders[subgraph.name as keyof typeof builders];
  return { name: subgraph.name, service: build({ databaseUrl, gatewaySecret: gatewayConfig.GATEWAY_SECRET, logLevel: gatewayConfig.LOG_LEVEL, poolSize: Number(env.DATABASE_POOL_SIZE ?? 10) }) };
});
const gateway = buildGateway(gatewayConfig, { localSubgraphs: Object.fromEntries(services.map(({ name, service }) => [name, service])) });
await runProcess({
  async start() {
    const subgraphs = await Promise.all(services.map(({ service }) => service.start(0, '127.0.0.1')));
    const running = await gateway.start();
    return {
      ...running,
      async stop() {
        await running.stop();
        for (const subgraph of subgraphs) await subgraph.stop();
        for (const { service } of services) await service.database.close();
      },
    };
  },
  logger: gateway.logger,
});
