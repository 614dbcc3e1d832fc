// `pnpm start`: the whole stack from one command. PostgreSQL (embedded, unless DATABASE_URL
// names a server), migrations, demo data on first start, the six subgraphs and the gateway(s),
// each a child process of this supervisor, which restarts any that exits once the stack is up
// and stops them all in order on Ctrl-C or SIGTERM.
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ConfigError } from '../packages/service-kit/src/config.js';
import { EMBEDDED_DATABASE, localGatewaySecret, REPO_ROOT, subgraphConnections } from '../db/src/config.js';
import { EMBEDDED_SERVER_ENTRY, embeddedServerArgs, embeddedServerReady, ensureEmbeddedDatabase } from '../db/src/embedded-server.js';
import { migrate } from '../db/src/migrate.js';
import { keptAccountLines, seededAccountLines } from '../db/src/demo-accounts.js';
import { seed } from '../db/src/seed/index.js';
import { SUBGRAPH_DATABASES } from '../db/src/subgraphs.js';
import { childEnvironment, loadStartConfig, type StartConfig } from './stack/config.js';
import { createOutput, type Output } from './stack/output.js';
import { assertPortsFree, freePort, type PortClaim } from './stack/ports.js';
import { waitUntilReady } from './stack/readiness.js';
import { Supervisor } from './stack/supervisor.js';
import { buildServices } from './build.js';

/** How long the subgraphs and gateways get to answer /readyz once started. */
const READY_TIMEOUT_MS = 60_000;
/** How long a service gets to stop once asked (runProcess gives up after 10 s itself). */
const SERVICE_STOP_TIMEOUT_MS = 15_000;
/** PostgreSQL finishes its shutdown checkpoint before it exits. */
const POSTGRES_STOP_TIMEOUT_MS = 30_000;

const TIER = { postgres: 0, subgraph: 1, gateway: 2 } as const;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The gateway's variable for a subgraph's URL or socket: (`ai-analytics`, `URL`) → `AI_ANALYTICS_URL`. */
const gatewayVariable = (name: string, what: 'URL' | 'SOCKET') => `${name.toUpperCase().replaceAll('-', '_')}_${what}`;

/** Whether the stack's processes talk over Unix-domain sockets (STACK_SOCKETS, where the system has them). */
const usesSockets = (config: StartConfig) => config.STACK_SOCKETS && process.platform !== 'win32';

/**
 * A fresh folder for the subgraphs' Unix-domain sockets, under the system's temporary folder
 * (a socket's path is limited to about 100 bytes; DATA_DIR may be deeper), removed when this
 * process exits.
 */
async function socketFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'academy-'));
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** `url` connecting through the Unix-domain socket in `folder` (node-postgres takes a folder as `host`). */
function throughSocket(url: string, folder: string): string {
  const withSocket = new URL(url);
  withSocket.searchParams.set('host', folder);
  return withSocket.toString();
}

/** Fixed ports from the configuration, or free ones where it says 0. */
async function choosePorts(config: StartConfig): Promise<{ subgraphs: number[]; gateways: number[] }> {
  const range = async (first: number, count: number) =>
    first === 0 ? Promise.all(Array.from({ length: count }, () => freePort())) : Array.from({ length: count }, (_, i) => first + i);
  // In the single layout the subgraphs listen on loopback ports their process picks.
  const subgraphs = config.STACK_LAYOUT === 'single' ? [] : await range(config.SUBGRAPH_BASE_PORT, SUBGRAPH_DATABASES.length);
  const gateways = await range(config.GATEWAY_PORT, config.GATEWAY_PROCESSES);
  const claims: PortClaim[] = [
    ...(config.GATEWAY_PORT ? gateways.map((port, i) => ({ name: gatewayName(i), port, public: true })) : []),
    ...(config.SUBGRAPH_BASE_PORT && config.STACK_LAYOUT === 'separate' ? subgraphs.map((port, i) => ({ name: SUBGRAPH_DATABASES[i]!.name, port })) : []),
  ];
  await assertPortsFree(claims);
  return { subgraphs, gateways };
}

const gatewayName = (index: number) => (index === 0 ? 'gateway' : `gateway-${index + 1}`);

/** Whether identity.users is empty, i.e. the database has never been seeded. */
async function isEmpty(adminUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  // A connection lost between statements fails the next one; it must not end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM identity.users) AS present');
    return !rows[0]?.present;
  } finally {
    await client.end();
  }
}

/**
 * Asks PostgreSQL for a checkpoint: should it crash soon after a first start, its recovery then
 * replays only what came after the seed rather than all of it. Needs a superuser (or
 * pg_checkpoint); without one, recovery is only slower.
 */
async function checkpoint(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  // A connection lost between statements fails the next one; it must not end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('CHECKPOINT');
  } catch {
    // Not allowed for this role: nothing is lost but time after a crash.
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Seeds an empty database. Returns the lines to show once the stack is up: in development the
 * demo accounts (kept in DATA_DIR at the seed, shown at every start); in production nothing
 * (the admin's generated password is shown at once, and only then).
 */
async function seedIfEmpty(config: StartConfig, adminUrl: string, out: Output): Promise<string[]> {
  if (!(await isEmpty(adminUrl))) {
    out.info('not seeding: the database already has users');
    if (config.NODE_ENV === 'production') return [];
    return keptAccountLines(config.DATA_DIR, adminUrl);
  }
  const started = performance.now();
  const result = await seed({
    adminUrl,
    scale: config.SEED_SCALE,
    log: (line) => out.info(`seed: ${line}`),
    ...(config.ADMIN_EMAIL ? { adminEmail: config.ADMIN_EMAIL } : {}),
    ...(config.ADMIN_PASSWORD ? { adminPassword: config.ADMIN_PASSWORD } : {}),
  });
  if (!result.seeded) return seedIfEmpty(config, adminUrl, out);
  await checkpoint(adminUrl);
  const rows = Object.values(result.counts).reduce((sum, n) => sum + n, 0);
  out.info(`seeded ${rows} rows in ${seconds(performance.now() - started)}`);
  const lines = await seededAccountLines(config, adminUrl, result);
  if (config.NODE_ENV !== 'production') return lines;
  // Shown once, now: the seed never runs again on this database and passwords are stored hashed.
  for (const line of lines) out.print(line);
  return [];
}

/**
 * Brings the stack up under `supervisor`; resolves once all answer /readyz with the gateway URLs
 * and the lines showing the demo accounts (development).
 */
async function startStack(config: StartConfig, supervisor: Supervisor, out: Output): Promise<{ urls: string[]; accounts: string[] }> {
  // The services run compiled (plain Node starts faster and each process is smaller); compiling
  // takes well under a second and runs while PostgreSQL starts. Always from the current sources.
  const compiled = buildServices({ quiet: true });
  compiled.catch(() => undefined);
  const ports = await choosePorts(config);
  await mkdir(config.DATA_DIR, { recursive: true });

  let adminUrl: string;
  // What the subgraphs connect with: the embedded server's socket where there is one.
  let serviceAdminUrl: string;
  if (config.DATABASE_URL) {
    adminUrl = config.DATABASE_URL;
    serviceAdminUrl = adminUrl;
    out.info(`using the PostgreSQL server of DATABASE_URL (${new URL(adminUrl).host})`);
  } else {
    const started = performance.now();
    const postgres = supervisor.fork({
      name: 'postgres',
      entry: EMBEDDED_SERVER_ENTRY,
      args: embeddedServerArgs({ dataDir: join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_PG_PORT, logLevel: config.LOG_LEVEL }),
      env: childEnvironment(),
      tier: TIER.postgres,
      stopTimeoutMs: POSTGRES_STOP_TIMEOUT_MS,
      // Restarted on the same data folder and port (kept in its credentials): the services
      // reconnect by themselves.
      onRestart: (child) =>
        void embeddedServerReady(child).then(
          (server) => out.info(`PostgreSQL ready again on 127.0.0.1:${server.port}`),
          (error: unknown) => out.error(`PostgreSQL did not start again: ${(error as Error).message}`),
        ),
    });
    const server = await embeddedServerReady(postgres.child);
    adminUrl = await ensureEmbeddedDatabase(server.url, EMBEDDED_DATABASE);
    serviceAdminUrl = usesSockets(config) && server.socketDir ? throughSocket(adminUrl, server.socketDir) : adminUrl;
    out.info(`PostgreSQL ready on 127.0.0.1:${server.port} in ${seconds(performance.now() - started)} (data in ${join(config.DATA_DIR, 'postgres')})`);
  }

  const connections = await subgraphConnections(config, serviceAdminUrl);
  const gatewaySecret = await localGatewaySecret(config.DATA_DIR, config.GATEWAY_SECRET);
  const inherited = childEnvironment();
  const migrateStarted = performance.now();
  const applied = await migrate({
    adminUrl,
    rolePasswords: connections.rolePasswords,
    statementTimeoutMs: config.SUBGRAPH_STATEMENT_TIMEOUT_MS,
    log: (line) => out.info(`migrate: ${line}`),
  });
  out.info(`migrations ${applied.length ? `applied (${applied.length})` : 'up to date'} in ${seconds(performance.now() - migrateStarted)}`);

  await compiled;
  const targets: { name: string; url: string }[] = [];
  // identity's local mail delivery goes into the data folder with everything else.
  const mailDir: Record<string, string> = inherited.MAIL_DIR ? {} : { MAIL_DIR: join(config.DATA_DIR, 'mail') };
  let gateway: { entry: string; heapMb: number; env: Record<string, string> };
  let accounts: string[];
  if (config.STACK_LAYOUT === 'single') {
    // Each gateway process builds the six subgraphs itself, on their roles' connections.
    accounts = await seedIfEmpty(config, adminUrl, out);
    gateway = {
      entry: join(REPO_ROOT, 'single-process', 'dist', 'index.js'),
      heapMb: config.SERVICE_HEAP_MB * 2,
      env: { ...mailDir, ...Object.fromEntries(SUBGRAPH_DATABASES.map((subgraph) => [subgraph.urlVariable, connections.urls[subgraph.name]!])) },
    };
  } else {
    // The subgraphs start while the seed runs (they listen on 127.0.0.1 only and get no traffic
    // until the gateway is up), which saves their start-up time; the gateways wait for the seed.
    const subgraphUrls: Record<string, string> = {};
    const sockets = usesSockets(config) ? await socketFolder() : null;
    SUBGRAPH_DATABASES.forEach((subgraph, i) => {
      const port = ports.subgraphs[i]!;
      const socket = sockets ? join(sockets, `${subgraph.name}.sock`) : null;
      supervisor.fork({
        name: subgraph.name,
        entry: join(REPO_ROOT, 'subgraphs', subgraph.name, 'dist', 'index.js'),
        execArgv: [`--max-old-space-size=${config.SERVICE_HEAP_MB}`, ...config.SERVICE_NODE_FLAGS],
        env: {
          ...inherited,
          ...(subgraph.name === 'identity' ? mailDir : {}),
          NODE_ENV: config.NODE_ENV,
          LOG_LEVEL: config.LOG_LEVEL,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: connections.urls[subgraph.name],
          GATEWAY_SECRET: gatewaySecret,
          ...(socket ? { SOCKET_PATH: socket } : {}),
        },
        tier: TIER.subgraph,
        stopTimeoutMs: SERVICE_STOP_TIMEOUT_MS,
      });
      subgraphUrls[gatewayVariable(subgraph.name, 'URL')] = `http://127.0.0.1:${port}/graphql`;
      if (socket) subgraphUrls[gatewayVariable(subgraph.name, 'SOCKET')] = socket;
      targets.push({ name: subgraph.name, url: `http://127.0.0.1:${port}/readyz` });
    });
    accounts = await seedIfEmpty(config, adminUrl, out);
    gateway = { entry: join(REPO_ROOT, 'gateway', 'dist', 'index.js'), heapMb: config.SERVICE_HEAP_MB, env: subgraphUrls };
  }

  ports.gateways.forEach((port, i) => {
    supervisor.fork({
      name: gatewayName(i),
      entry: gateway.entry,
      execArgv: [`--max-old-space-size=${gateway.heapMb}`, ...config.SERVICE_NODE_FLAGS],
      env: { ...inherited, NODE_ENV: config.NODE_ENV, LOG_LEVEL: config.LOG_LEVEL, PORT: String(port), GATEWAY_SECRET: gatewaySecret, ...gateway.env },
      tier: TIER.gateway,
      stopTimeoutMs: SERVICE_STOP_TIMEOUT_MS,
    });
    targets.push({ name: gatewayName(i), url: `http://127.0.0.1:${port}/readyz` });
  });

  await waitUntilReady(targets, { timeoutMs: READY_TIMEOUT_MS, signal: supervisor.signal });
  return { urls: ports.gateways.map((port) => `http://localhost:${port}/graphql`), accounts };
}

async function main(): Promise<void> {
  let config: StartConfig;
  try {
    config = loadStartConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`pnpm start: ${error.message}\n`);
    process.exit(2);
  }
  const out = createOutput(config.LOG_LEVEL);
  const supervisor = new Supervisor(out, REPO_ROOT);

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (supervisor.stopping) supervisor.forceStop();
      else void supervisor.shutdown(0, `received ${signal}`);
    });
  }
  // Once stopping, the start-up steps still in flight fail as their processes go: that is expected.
  process.on('uncaughtException', (error) => {
    if (supervisor.stopping) return;
    void supervisor.shutdown(1, `unexpected error: ${error.stack ?? error.message}`);
  });

  try {
    const { urls, accounts } = await startStack(config, supervisor, out);
    // performance.now() counts from this process's start: the time includes loading the code.
    if (!supervisor.stopping) {
      supervisor.serving();
      // Last before the ready line, so they are not lost among the services' start-up lines.
      for (const line of accounts) out.print(line);
      out.print(`ready in ${seconds(performance.now())}: ${urls.join(' ')}`);
    }
  } catch (error) {
    if (!supervisor.stopping) await supervisor.shutdown(1, `start-up failed: ${(error as Error).message}`);
  }
}

await main();
