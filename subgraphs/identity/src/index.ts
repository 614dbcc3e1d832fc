import { runProcess } from '@academy/service-kit';
import { loadIdentityConfig } from './config.js';
import { buildIdentitySubgraph } from './server.js';

const config = loadIdentityConfig();
const service = buildIdentitySubgraph({
  databaseUrl: config.DATABASE_URL,
  gatewaySecret: config.GATEWAY_SECRET,
  poolSize: config.DATABASE_POOL_SIZE,
  logLevel: config.LOG_LEVEL,
  identity: config,
});
await runProcess({
  start: () => service.start(config.PORT, config.HOST),
  close: () => service.database.close(),
  logger: service.logger,
});
