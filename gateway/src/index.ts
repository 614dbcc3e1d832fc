import { runProcess, startTracing } from '@academy/service-kit';
import { loadGatewayConfig } from './config.js';
import { buildGateway } from './server.js';

const config = loadGatewayConfig();
// Before the gateway is built: its planner and executor make spans through the global provider.
const tracing = await startTracing('gateway');
const gateway = buildGateway(config);
await runProcess({
  start: () => gateway.start(),
  close: () => tracing.shutdown(),
  logger: gateway.logger,
  shutdown: { timeoutMs: config.SHUTDOWN_TIMEOUT_MS, delayMs: config.SHUTDOWN_DELAY_MS },
});
