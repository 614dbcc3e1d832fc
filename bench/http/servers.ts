// The servers compared, over the same stack: our gateway (already running in it), Hive Gateway
// (with its JavaScript or its Rust query planner) serving the same supergraph over the same
// subgraphs, and the floor reading the same database directly. Each is measured alone; Hive
// Gateway and the floor are started for their turn and stopped after it.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { EMBEDDED_DATABASE, REPO_ROOT, subgraphConnections } from '../../db/src/config.js';
import { SUBGRAPH_DATABASES } from '../../db/src/subgraphs.js';
import { freePort } from '../../scripts/stack/ports.js';
import { processTree, type ProcessSelector } from './memory.js';
import type { ServerName } from './options.js';
import { startProcess, waitForHttp } from './processes.js';
import type { Stack } from './stack.js';

export const SERVER_TITLES: Record<ServerName, string> = {
  ours: 'our gateway',
  single: 'our gateway, subgraphs in process',
  hive: 'Hive Gateway',
  'hive-rust': 'Hive Gateway, Rust planner',
  floor: 'floor',
};

export interface ServerUnderTest {
  name: ServerName;
  /** Its /graphql URLs (one per process when processes do not share a port). */
  urls: string[];
  /** Its processes, in a `ps` listing. */
  processes: ProcessSelector;
  /** Whether its answers go through the subgraphs (the floor's do not). */
  usesSubgraphs: boolean;
  stop(): Promise<void>;
}

/** The login role the floor reads the database as (it has no other business there). */
export const FLOOR_ROLE = 'bench_floor';

/** Whether a process runs the service in `dir`: its compiled entry, or its TypeScript source. */
const runsService = (args: string, dir: string) => args.includes(join(dir, 'dist', 'index.js')) || args.includes(join(dir, 'src', 'index.ts'));

/** The stack's subgraph processes. */
export const subgraphProcesses = (stack: Stack): ProcessSelector => (rows) =>
  processTree(rows, stack.process.pid).filter((row) => row.args.includes(`${join(REPO_ROOT, 'subgraphs')}/`));

/** The stack's PostgreSQL server and its backends (absent when the stack uses DATABASE_URL's server). */
export const postgresProcesses = (stack: Stack): ProcessSelector => (rows) =>
  processTree(rows, stack.process.pid).filter((row) => /\bpostgres\b/.test(row.args));

export function ourGateway(stack: Stack): ServerUnderTest {
  return {
    name: 'ours',
    urls: stack.gatewayUrls,
    processes: (rows) => processTree(rows, stack.process.pid).filter((row) => runsService(row.args, join(REPO_ROOT, 'gateway'))),
    usesSubgraphs: true,
    // It is part of the stack, which stops it.
    stop: async () => undefined,
  };
}

/** The environment our gateway reads for its subgraphs (IDENTITY_URL, …), which Hive's configuration reads too. */
function subgraphUrlVariables(stack: Stack): Record<string, string> {
  return Object.fromEntries(Object.entries(stack.subgraphUrls).map(([name, url]) => [`${name.toUpperCase().replaceAll('-', '_')}_URL`, url]));
}

/**
 * Hive Gateway from its install in `options.dir`, on the stack's supergraph and subgraphs: with
 * its default JavaScript planner (`hive`, hive/gateway.config.ts), or with Hive Router's Rust
 * planner and executor (`hive-rust`, hive/gateway-rust.config.ts, which loads them from that
 * install, the CLI's working directory).
 */
export async function startHiveGateway(
  stack: Stack,
  options: { name: 'hive' | 'hive-rust'; bin: string; dir: string; workers: number; gatewaySecret: string },
): Promise<ServerUnderTest> {
  const port = await freePort();
  const configFile = options.name === 'hive-rust' ? 'gateway-rust.config.ts' : 'gateway.config.ts';
  const hive = startProcess(
    options.name,
    process.execPath,
    [
      options.bin,
      'supergraph',
      join(REPO_ROOT, 'schema', 'supergraph.graphql'),
      '--host', '127.0.0.1',
      '--port', String(port),
      '--config-path', join(REPO_ROOT, 'bench', 'http', 'hive', configFile),
      ...(options.workers > 1 ? ['--fork', String(options.workers)] : []),
    ],
    {
      cwd: options.dir,
      env: { ...process.env, ...subgraphUrlVariables(stack), GATEWAY_SECRET: options.gatewaySecret, JWKS_URL: stack.jwksUrl, NODE_ENV: 'production' },
    },
  );
  return whenReady(options.name, hive, port, '/readiness', true);
}

/**
 * Our gateway with the six subgraphs built in its own process (single-process/, the
 * stack's single layout), on the stack's database and roles: a plan's fetches run in process
 * instead of over HTTP.
 * With several workers, each is such a process on a port of its own (the load is spread over
 * their URLs), and each gets its share of the connections one subgraph process would have.
 */
export async function startSingleProcess(
  stack: Stack,
  options: { dataDir: string; gatewaySecret: string; jwtPrivateKeyPem: string; jwtKeyId: string; workers: number; logLevel: string },
): Promise<ServerUnderTest> {
  const connections = await subgraphConnections({ DATA_DIR: options.dataDir }, stack.adminUrl);
  const databaseUrls = Object.fromEntries(SUBGRAPH_DATABASES.map((s) => [s.urlVariable, connections.urls[s.name]!]));
  const start = async (index: number) => {
    const port = await freePort();
    // The compiled entry `pnpm start` runs with STACK_LAYOUT=single (the stack has built it).
    const single = startProcess(`single-${index + 1}`, process.execPath, ['--max-old-space-size=768', join(REPO_ROOT, 'single-process', 'dist', 'index.js')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...databaseUrls,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_POOL_SIZE: String(Math.max(2, Math.floor(10 / options.workers))),
        GATEWAY_SECRET: options.gatewaySecret,
        JWT_PRIVATE_KEY: options.jwtPrivateKeyPem,
        JWT_KEY_ID: options.jwtKeyId,
        MAIL_DIR: join(options.dataDir, 'mail'),
        LOG_LEVEL: options.logLevel,
        PLAYGROUND: 'false',
        NODE_ENV: 'production',
      },
    });
    return whenReady('single', single, port, '/readyz', false);
  };
  const started = await Promise.allSettled(Array.from({ length: options.workers }, (_, i) => start(i)));
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((server) => server.stop()));
    throw failed.reason;
  }
  return {
    name: 'single',
    urls: running.flatMap((server) => server.urls),
    processes: (rows) => running.flatMap((server) => server.processes(rows)),
    usesSubgraphs: false,
    stop: async () => {
      await Promise.all(running.map((server) => server.stop()));
    },
  };
}

/** The server started in `child` once it answers `readyPath` (stopped again if it never does). */
async function whenReady(
  name: ServerUnderTest['name'],
  child: ReturnType<typeof startProcess>,
  port: number,
  readyPath: string,
  usesSubgraphs: boolean,
): Promise<ServerUnderTest> {
  try {
    await waitForHttp(`http://127.0.0.1:${port}${readyPath}`, child);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    name,
    urls: [`http://127.0.0.1:${port}/graphql`],
    processes: (rows) => processTree(rows, child.pid),
    usesSubgraphs,
    stop: () => child.stop(),
  };
}

/**
 * Creates (or updates) the floor's role: it may read the tables of the benchmark's operations
 * and write those its writes write (floor/writes.ts), nothing else.
 */
async function prepareFloorRole(adminUrl: string): Promise<string> {
  const password = randomBytes(18).toString('hex');
  const db = new pg.Client({ connectionString: adminUrl });
  await db.connect();
  try {
    await db.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${FLOOR_ROLE}') THEN CREATE ROLE ${FLOOR_ROLE}; END IF; END $$`);
    await db.query(`ALTER ROLE ${FLOOR_ROLE} WITH LOGIN PASSWORD '${password}'`);
    await db.query(`GRANT CONNECT ON DATABASE ${EMBEDDED_DATABASE} TO ${FLOOR_ROLE}`);
    await db.query(`GRANT USAGE ON SCHEMA identity, learning, scheduling, commerce, community TO ${FLOOR_ROLE}`);
    await db.query(
      `GRANT SELECT ON identity.users, identity.user_roles, learning.courses, learning.modules, learning.lessons, learning.enrollments,
         commerce.prices, commerce.orders, commerce.order_items, commerce.refunds,
         scheduling.training_sessions, scheduling.venues, scheduling.registrations,
         community.chat_rooms, community.chat_room_members, community.chat_messages, community.chat_room_mutes,
         scheduling.course_prices, commerce.courses, commerce.seat_holds, commerce.payments, commerce.invoice_counters, commerce.invoices
       TO ${FLOOR_ROLE}`,
    );
    await db.query(
      `GRANT INSERT ON scheduling.registrations, commerce.seat_holds, commerce.orders, commerce.order_items, commerce.idempotency_keys,
         commerce.payments, commerce.invoice_counters, commerce.invoices, community.chat_messages
       TO ${FLOOR_ROLE}`,
    );
    await db.query(
      `GRANT UPDATE ON scheduling.training_sessions, scheduling.registrations, commerce.seat_holds, commerce.orders, commerce.invoice_counters,
         community.chat_rooms, community.chat_room_members
       TO ${FLOOR_ROLE}`,
    );
  } finally {
    await db.end();
  }
  const url = new URL(adminUrl);
  url.username = FLOOR_ROLE;
  url.password = password;
  return url.toString();
}

export async function startFloor(stack: Stack, options: { workers: number }): Promise<ServerUnderTest> {
  const databaseUrl = await prepareFloorRole(stack.adminUrl);
  const port = await freePort();
  const floor = startProcess('floor', process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', 'http', 'floor', 'server.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      FLOOR_PORT: String(port),
      FLOOR_WORKERS: String(options.workers),
      FLOOR_DATABASE_URL: databaseUrl,
      // As many connections per process as each subgraph has (DATABASE_POOL_SIZE's default).
      FLOOR_POOL_SIZE: '10',
      JWKS_URL: stack.jwksUrl,
      NODE_ENV: 'production',
    },
  });
  return whenReady('floor', floor, port, '/healthz', false);
}
