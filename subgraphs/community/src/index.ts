import { runProcess } from '@academy/service-kit';
import { loadCommunityConfig } from './config.js';
import { buildCommunitySubgraph } from './server.js';

const config = loadCommunityConfig();
const service = buildCommunitySubgraph({
  databaseUrl: config.DATABASE_URL,
  gatewaySecret: config.GATEWAY_SECRET,
  poolSize: config.DATABASE_POOL_SIZE,
  logLevel: config.LOG_LEVEL,
  redisUrl: config.REDIS_URL,
});
await runProcess({
  start: () => service.start(config.PORT, config.HOST),
  close: () => service.database.close(),
  logger: service.logger,
});
