// One process running the six subgraphs and the gateway: each fetch of a query plan runs in
// process (no HTTP, JSON or sockets between gateway and subgraphs); subscriptions still stream
// from community's WebSocket endpoint, on a loopback port of this process. `pnpm start` runs it
// with STACK_LAYOUT=single, as many as GATEWAY_PROCESSES.
//
// Configuration, as the separate processes read it: the gateway's variables (PORT, HOST,
// GATEWAY_SECRET, JWT_*, WS_*, ...), each subgraph's database as <SCHEMA>_DATABASE_URL
// (IDENTITY_DATABASE_URL, ..., AI_ANALYTICS_DATABASE_URL), DATABASE_POOL_SIZE for each of the six
// pools, the analyst figures' read replica of each subgraph that has figures as
// <SCHEMA>_ANALYTICS_READ_DATABASE_URL (LEARNING_…, SCHEDULING_…, COMMERCE_…, COMMUNITY_…, AI_ANALYTICS_…), identity's settings (JWT_PRIVATE_KEY, MAIL_DIR, ...), scheduling's SEAT_HOLD_MINUTES, COACHING_MEETING_BASE_URL and
// HOLD_RELEASE_INTERVAL_SECONDS, commerce's PAYMENT_* settings, community's REDIS_URL, ai-analytics' AI_*
// settings and ANALYTICS_TIME_ZONES, and MIN_GROUP_SIZE for every subgraph's figures. Traces: the
// OTEL_* variables (README "Traces"), one service (default name academy-supergraph) whose spans
// name the subgraph they ran in.
import { buildGateway, loadGatewayConfig, type LocalSubgraph } from '@academy/gateway';
import {
  analyticsReadConfigShape,
  checkAnalyticsReadRole,
  createLogger,
  loadConfig,
  runProcess,
  startTracing,
  subgraphConfigSchema,
  withoutEmptyValues,
  z,
  type RunningServer,
  type ServiceOptions,
} from '@academy/service-kit';
import { aiAnalyticsConfigSchema, assistantSettings, buildAiAnalyticsSubgraph } from '@academy/subgraph-ai-analytics';
import { buildCommerceSubgraph, paymentSettings, refundSettings } from '@academy/subgraph-commerce';
import { buildCommunitySubgraph, communityConfigSchema } from '@academy/subgraph-community';
import { buildIdentitySubgraph, identitySettings } from '@academy/subgraph-identity';
import { buildLearningSubgraph } from '@academy/subgraph-learning';
import { buildSchedulingSubgraph, schedulingConfigSchema } from '@academy/subgraph-scheduling';

/** A subgraph of this process: how it is built and where it listens. */
interface Part extends LocalSubgraph {
  start(port: number, host?: string): Promise<RunningServer>;
  database: { close(): Promise<void> };
}

const env = process.env;
const tracing = await startTracing('academy-supergraph', env);
const present = withoutEmptyValues(env);
const community = loadConfig(communityConfigSchema.pick({ REDIS_URL: true }), present);
const identity = identitySettings(env);
const payments = paymentSettings(env);
const assistant = assistantSettings(env);
const refunds = refundSettings(env);
const scheduling = loadConfig(schedulingConfigSchema.pick({ SEAT_HOLD_MINUTES: true, HOLD_RELEASE_INTERVAL_SECONDS: true, COACHING_MEETING_BASE_URL: true }), present);
const analytics = loadConfig(z.object({ ANALYTICS_TIME_ZONES: aiAnalyticsConfigSchema.shape.ANALYTICS_TIME_ZONES }), present);
const builders: Record<string, (options: ServiceOptions) => Part> = {
  identity: (options) => buildIdentitySubgraph({ ...options, identity }),
  learning: buildLearningSubgraph,
  scheduling: (options) =>
    buildSchedulingSubgraph({
      ...options,
      meetingBaseUrl: scheduling.COACHING_MEETING_BASE_URL,
      seatHoldMinutes: scheduling.SEAT_HOLD_MINUTES,
      holdReleaseIntervalMs: scheduling.HOLD_RELEASE_INTERVAL_SECONDS * 1000,
    }),
  commerce: (options) => buildCommerceSubgraph({ ...options, payments, refunds }),
  community: (options) => buildCommunitySubgraph({ ...options, redisUrl: community.REDIS_URL }),
  'ai-analytics': (options) => buildAiAnalyticsSubgraph({ ...options, assistant, analyticsTimeZones: analytics.ANALYTICS_TIME_ZONES }),
};
/** `ai-analytics` → `AI_ANALYTICS`, the prefix of its variables. */
const prefix = (name: string) => name.toUpperCase().replaceAll('-', '_');

/** The settings each subgraph reads here: the common ones and the figures' read replica. */
const partConfigSchema = subgraphConfigSchema(0).extend(analyticsReadConfigShape()).superRefine(checkAnalyticsReadRole);
/** identity serves no analyst figures, so it has no read replica. */
const WITHOUT_FIGURES = new Set(['identity']);

// Each subgraph's own settings, checked as its own process would check them (minus the port).
const parts = Object.entries(builders).map(([name, build]) => {
  const own = (variable: string) => `${prefix(name)}_${variable}`;
  let settings: z.output<typeof partConfigSchema>;
  try {
    settings = loadConfig(partConfigSchema, {
      ...present,
      DATABASE_URL: env[own('DATABASE_URL')] ?? '',
      ANALYTICS_READ_DATABASE_URL: WITHOUT_FIGURES.has(name) ? undefined : present[own('ANALYTICS_READ_DATABASE_URL')],
    });
  } catch (error) {
    // The settings speak of DATABASE_URL and ANALYTICS_READ_DATABASE_URL: here they are the subgraph's own variables.
    throw new Error(`${name}: ${(error as Error).message.replaceAll(/\b(?:ANALYTICS_READ_)?DATABASE_URL\b/g, (variable) => own(variable))}`);
  }
  const part = build({
    databaseUrl: settings.DATABASE_URL,
    analyticsReadDatabaseUrl: settings.ANALYTICS_READ_DATABASE_URL,
    gatewaySecret: settings.GATEWAY_SECRET,
    poolSize: settings.DATABASE_POOL_SIZE,
    logLevel: settings.LOG_LEVEL,
    minGroupSize: settings.MIN_GROUP_SIZE,
    // Only the gateway waits out the delay: behind it, the subgraphs' listeners get no new traffic.
    shutdown: { timeoutMs: settings.SHUTDOWN_TIMEOUT_MS },
  });
  return { name, part, settings };
});
const localSubgraphs = Object.fromEntries(parts.map(({ name, part }) => [name, part]));

await runProcess({
  async start() {
    // Each subgraph still serves HTTP on a loopback port of its own (health, identity's keys,
    // community's subscriptions), which the gateway is pointed at.
    const running: RunningServer[] = [];
    try {
      for (const { part } of parts) running.push(await part.start(0, '127.0.0.1'));
      const urls = Object.fromEntries(parts.map(({ name }, i) => [`${prefix(name)}_URL`, running[i]!.url]));
      const gateway = buildGateway(loadGatewayConfig({ ...env, ...urls }), { localSubgraphs });
      const served = await gateway.start();
      return {
        ...served,
        async stop() {
          await served.stop();
          for (const server of running) await server.stop();
        },
      };
    } catch (error) {
      for (const server of running) await server.stop();
      throw error;
    }
  },
  close: async () => {
    for (const { part } of parts) await part.database.close();
    await tracing.shutdown();
  },
  logger: createLogger(parts[0]?.settings.LOG_LEVEL ?? 'info', { service: 'single-process' }),
  // The gateway drains first, then each subgraph's own listener: the forced exit allows both.
  shutdown: {
    delayMs: parts[0]?.settings.SHUTDOWN_DELAY_MS,
    timeoutMs: 2 * (parts[0]?.settings.SHUTDOWN_TIMEOUT_MS ?? 10_000),
  },
});
