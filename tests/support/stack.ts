import { buildGateway, loadGatewayConfig, type LocalSubgraph, type RunningGateway } from '@academy/gateway';
import { randomBytes } from 'node:crypto';
import { createLogger, type LogDestination, type LogLevel, type RunningServer } from '@academy/service-kit';
import { createTestDatabase, type TestDatabase } from '@academy/service-kit/testing';
import { buildAiAnalyticsSubgraph } from '@academy/subgraph-ai-analytics';
import { buildCommerceSubgraph, paymentSettings, refundSettings, type PaymentProvider } from '@academy/subgraph-commerce';
import { buildCommunitySubgraph } from '@academy/subgraph-community';
import { buildIdentitySubgraph, identitySettings } from '@academy/subgraph-identity';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLearningSubgraph } from '@academy/subgraph-learning';
import { buildSchedulingSubgraph } from '@academy/subgraph-scheduling';

const BUILDERS = {
  identity: { build: buildIdentitySubgraph, role: 'academy_identity', urlVariable: 'IDENTITY_URL' },
  learning: { build: buildLearningSubgraph, role: 'academy_learning', urlVariable: 'LEARNING_URL' },
  scheduling: { build: buildSchedulingSubgraph, role: 'academy_scheduling', urlVariable: 'SCHEDULING_URL' },
  commerce: { build: buildCommerceSubgraph, role: 'academy_commerce', urlVariable: 'COMMERCE_URL' },
  community: { build: buildCommunitySubgraph, role: 'academy_community', urlVariable: 'COMMUNITY_URL' },
  'ai-analytics': { build: buildAiAnalyticsSubgraph, role: 'academy_ai_analytics', urlVariable: 'AI_ANALYTICS_URL' },
} as const;

export type SubgraphName = keyof typeof BUILDERS;

export interface SubgraphProbe {
  /** SQL statements the subgraph has sent so far while handling requests. */
  statements(): number;
  /** GraphQL requests (fetches of a query plan) the subgraph has received so far, alone or in batches. */
  fetches(): number;
  /** HTTP requests that carried them (POST /graphql, one fetch; POST /graphql/batch, several). */
  fetchRequests(): number;
  /** WebSocket upgrades (subscription sockets) the subgraph has received so far. */
  upgrades(): number;
  /** The caller token of the last GraphQL request the subgraph received. */
  lastCallerToken(): string | undefined;
}

/** The whole supergraph on one test database: six subgraphs and the gateway, each on a free port. */
export interface TestStack {
  database: TestDatabase;
  /** The secret the stack's gateway and subgraphs share, for a gateway or subgraph started as a process of its own. */
  gatewaySecret: string;
  /** identity's signing key (Ed25519, PKCS#8 PEM) and its kid, to mint tokens in tests. */
  signingKey: { pem: string; kid: string };
  /** Where identity delivers e-mail (one JSON file per message). */
  mailDir: string;
  gateway: RunningGateway;
  /** Stops the gateway (closing its sockets) and starts a new gateway process on the same port. */
  restartGateway(): Promise<RunningGateway>;
  subgraphs: Record<SubgraphName, RunningServer & SubgraphProbe>;
  /**
   * Starts another gateway over the same subgraphs, built in this process and called without
   * HTTP (stopped with the stack).
   */
  startInProcessGateway(): Promise<RunningGateway>;
  /** Starts another gateway over the same subgraphs with these settings besides the stack's (stopped with the stack). */
  startGateway(settings: Record<string, string>): Promise<RunningGateway>;
  /** With `second`: a second gateway, whose community subgraph is a second process on the same database. */
  secondGateway?: RunningGateway;
  /** Commerce's payment provider (the local one unless `payments` chose another), e.g. to make a payment a test's order refers to. */
  paymentProvider: PaymentProvider;
  /** Sends a GraphQL request to the gateway over HTTP. */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } }>;
  stop(): Promise<void>;
}

/** Extra settings for the stack's processes, e.g. gateway limits. */
export interface StackOptions {
  gateway?: Record<string, string>;
  /** Also run a second community process and a second gateway that uses it (fan-out tests). */
  second?: boolean;
  /** Extra settings for community (e.g. REDIS_URL). */
  community?: Record<string, string>;
  /** Extra settings for scheduling (e.g. a short hold-release interval). */
  scheduling?: { seatHoldMinutes?: number; holdReleaseIntervalMs?: number };
  /** Commerce's payment settings (PAYMENT_*), e.g. a known webhook secret. */
  payments?: Record<string, string>;
  /** Commerce's refund settings (REFUND_*), e.g. a fee. */
  refunds?: Record<string, string>;
  /** Extra settings for community's notifications (e.g. a short reminder interval). */
  notifications?: { reminderIntervalMs?: number; seatHoldWarningMinutes?: number };
  /** Every subgraph's MIN_GROUP_SIZE: below this many distinct users a figure's bucket is withheld (default 5). */
  minGroupSize?: number;
  /** Log lines of each process (gateway and subgraphs, by service name) at `level`, to its own destination. */
  logs?: { level: LogLevel; destination: (service: string) => LogDestination };
  /**
   * A second database playing the read replica: every subgraph with analyst figures gets its
   * role's URL there as ANALYTICS_READ_DATABASE_URL would give it (the test creates and drops it).
   */
  analyticsReplica?: TestDatabase;
}

/** identity serves no analyst figures, so it never gets a read replica. */
const WITHOUT_FIGURES: ReadonlySet<SubgraphName> = new Set(['identity']);

/**
 * Every test client calls from 127.0.0.1, where a real deployment has one address per client:
 * the per-address sign-up throttle would stop a test that signs up a room of users. The
 * throttles themselves are tested with their defaults in abuse.test.ts.
 */
const TEST_GATEWAY_SETTINGS = { THROTTLE_SIGN_UP_PER_ADDRESS: '1000' };

export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const database = await createTestDatabase();
  const gatewaySecret = randomBytes(32).toString('base64url');
  const signingKey = { pem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), kid: 'test-key' };
  const mailDir = await mkdtemp(join(tmpdir(), 'academy-mail-'));
  const identity = identitySettings({ MAIL_DIR: mailDir, JWT_PRIVATE_KEY: signingKey.pem, JWT_KEY_ID: signingKey.kid });
  const payments = paymentSettings(options.payments);
  const refunds = refundSettings(options.refunds);
  let paymentProvider: PaymentProvider | undefined;
  const running = {} as Record<SubgraphName, RunningServer & SubgraphProbe>;
  const local = {} as Record<SubgraphName, LocalSubgraph>;
  const closers: (() => Promise<void>)[] = [];
  for (const [name, { build, role }] of Object.entries(BUILDERS) as [SubgraphName, (typeof BUILDERS)[SubgraphName]][]) {
    const analyticsReadDatabaseUrl = options.analyticsReplica && !WITHOUT_FIGURES.has(name) ? options.analyticsReplica.urlFor(role) : undefined;
    const service = build({ databaseUrl: database.urlFor(role), analyticsReadDatabaseUrl, gatewaySecret, poolSize: 5, logLevel: options.logs?.level ?? 'error', logDestination: options.logs?.destination(name), minGroupSize: options.minGroupSize, identity, payments, refunds, ...options.community, ...options.scheduling, ...options.notifications });
    let fetches = 0;
    let fetchRequests = 0;
    let upgrades = 0;
    let lastCallerToken: string | undefined;
    // Each fetch, whether it came alone or in a batch.
    service.onFetch((token) => {
      fetches += 1;
      lastCallerToken = token ?? lastCallerToken;
    });
    service.httpServer.on('request', (req) => {
      if (req.method === 'POST' && req.url?.startsWith('/graphql')) fetchRequests += 1;
    });
    service.httpServer.on('upgrade', () => (upgrades += 1));
    const server = await service.start(0, '127.0.0.1');
    if ('paymentProvider' in service) paymentProvider = service.paymentProvider;
    local[name] = service;
    running[name] = {
      ...server,
      statements: () => service.database.statements.inRequests,
      fetches: () => fetches,
      fetchRequests: () => fetchRequests,
      upgrades: () => upgrades,
      lastCallerToken: () => lastCallerToken,
    };
    closers.push(async () => {
      // A fault test may have stopped it already.
      if (service.httpServer.listening) await server.stop();
      await service.database.close();
    });
  }
  const env = Object.fromEntries(Object.entries(BUILDERS).map(([name, { urlVariable }]) => [urlVariable, running[name as SubgraphName].url]));
  const gatewayConfig = () =>
    loadGatewayConfig({ ...env, GATEWAY_SECRET: gatewaySecret, LOG_LEVEL: 'silent', PLAYGROUND: 'false', ...TEST_GATEWAY_SETTINGS, ...options.gateway });
  const gatewayParts = () => (options.logs ? { logger: createLogger(options.logs.level, { service: 'gateway' }, { destination: options.logs.destination('gateway') }) } : {});
  let gateway = await buildGateway(gatewayConfig(), gatewayParts()).start(0, '127.0.0.1');
  closers.unshift(() => gateway.stop());

  let secondGateway: RunningGateway | undefined;
  if (options.second) {
    const community = buildCommunitySubgraph({ databaseUrl: database.urlFor('academy_community'), gatewaySecret, poolSize: 5, logLevel: 'error', ...options.community });
    const running = await community.start(0, '127.0.0.1');
    closers.push(async () => {
      await running.stop();
      await community.database.close();
    });
    const second = buildGateway(
      loadGatewayConfig({
        ...env,
        COMMUNITY_URL: running.url,
        GATEWAY_SECRET: gatewaySecret,
        LOG_LEVEL: 'silent',
        PLAYGROUND: 'false',
        ...TEST_GATEWAY_SETTINGS,
        ...options.gateway,
      }),
    );
    secondGateway = await second.start(0, '127.0.0.1');
    closers.unshift(() => secondGateway!.stop());
  }

  if (!paymentProvider) throw new Error('commerce was built without a payment provider');
  return {
    database,
    gatewaySecret,
    signingKey,
    mailDir,
    get gateway() {
      return gateway;
    },
    async restartGateway() {
      const port = Number(new URL(gateway.url).port);
      await gateway.stop();
      gateway = await buildGateway(gatewayConfig(), gatewayParts()).start(port, '127.0.0.1');
      return gateway;
    },
    async startInProcessGateway() {
      const started = await buildGateway(gatewayConfig(), { localSubgraphs: local }).start(0, '127.0.0.1');
      closers.unshift(() => started.stop());
      return started;
    },
    async startGateway(settings) {
      const started = await buildGateway(loadGatewayConfig({ ...env, GATEWAY_SECRET: gatewaySecret, LOG_LEVEL: 'silent', ...settings })).start(0, '127.0.0.1');
      closers.unshift(() => started.stop());
      return started;
    },
    secondGateway,
    subgraphs: running,
    paymentProvider,
    async query(query, variables, headers) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    async stop() {
      for (const close of closers) await close();
      await database.drop();
      await rm(mailDir, { recursive: true, force: true });
    },
  };
}
