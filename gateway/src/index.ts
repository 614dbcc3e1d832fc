import { runProcess } from '@academy/service-kit';
import { loadGatewayConfig } from './config.js';
import { buildGateway } from './server.js';

const config = loadGatewayConfig();
const gateway = buildGateway(config);
await runProcess({
  start: () => gateway.start(),
  logger: gateway.logger,
  shutdown: { timeoutMs: config.SHUTDOWN_TIMEOUT_MS, delayMs: config.SHUTDOWN_DELAY_MS },
});
