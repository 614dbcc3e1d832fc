// The stack under the benchmark: `scripts/start.ts` on a data folder of the benchmark's own
// (seeded once per data scale), with the access-token key the harness mints tokens with, a
// gateway secret Hive Gateway can sign callers with, and subgraph ports the harness knows.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { EMBEDDED_DATABASE, REPO_ROOT } from '../../db/src/config.js';
import { SUBGRAPH_DATABASES } from '../../db/src/subgraphs.js';
import { startProcess, type ManagedProcess } from './processes.js';

export interface StackOptions {
  dataDir: string;
  scale: number;
  /** Gateway processes (GATEWAY_PROCESSES). */
  gateways: number;
  gatewaySecret: string;
  /** Identity signs (and publishes) with this key; the harness mints access tokens with it. */
  jwtPrivateKeyPem: string;
  jwtKeyId: string;
  /** LOG_LEVEL of every process of the stack. */
  logLevel: string;
}

export interface Stack {
  process: ManagedProcess;
  /** Our gateway's /graphql URLs, one per process. */
  gatewayUrls: string[];
  /** Subgraph name → its /graphql URL. */
  subgraphUrls: Record<string, string>;
  /** Identity's public keys. */
  jwksUrl: string;
  /** The embedded server's superuser, on the stack's database. */
  adminUrl: string;
  stop(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A first port of `count` consecutive free ones. The stack takes its subgraph ports from one
 * base (SUBGRAPH_BASE_PORT) and does not report them: choosing the base here is how the
 * harness knows where Hive Gateway must send each subgraph's requests.
 */
async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range (32768 up): a port found free here could otherwise be taken
    // by an outgoing connection before the subgraph binds it (EADDRINUSE at start).
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count));
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portIsFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** Starts the stack and resolves once every gateway answers (the first start also seeds). */
export async function startStack(options: StackOptions, log: (line: string) => void): Promise<Stack> {
  const subgraphBase = await freePortRange(SUBGRAPH_DATABASES.length);
  let resolveReady!: (urls: string[]) => void;
  const ready = new Promise<string[]>((resolve) => (resolveReady = resolve));
  const stack = startProcess('stack', process.execPath, ['--conditions=source', '--import', 'tsx', join(REPO_ROOT, 'scripts', 'start.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATA_DIR: options.dataDir,
      SEED_SCALE: String(options.scale),
      GATEWAY_PORT: '0',
      SUBGRAPH_BASE_PORT: String(subgraphBase),
      GATEWAY_PROCESSES: String(options.gateways),
      GATEWAY_SECRET: options.gatewaySecret,
      JWT_PRIVATE_KEY: options.jwtPrivateKeyPem,
      JWT_KEY_ID: options.jwtKeyId,
      LOG_LEVEL: options.logLevel,
      NODE_ENV: 'production',
    },
    onLine: (line) => {
      if (line.startsWith('seed: ') || line.startsWith('seeded ')) log(line);
      const match = /ready in [\d.]+ s: (.+)/.exec(line);
      if (match) resolveReady(match[1]!.trim().split(/\s+/));
    },
  });
  const urls = await Promise.race([
    ready,
    stack.exited.then(() => {
      throw new Error(`the stack exited before it was ready:\n${stack.tail()}`);
    }),
  ]);
  const credentials = JSON.parse(readFileSync(join(options.dataDir, 'postgres', 'credentials.json'), 'utf8')) as { user: string; password: string; port: number };
  const subgraphUrls = Object.fromEntries(SUBGRAPH_DATABASES.map((s, i) => [s.name, `http://127.0.0.1:${subgraphBase + i}/graphql`]));
  return {
    process: stack,
    // 127.0.0.1 rather than localhost: the load generator must not try ::1 first.
    gatewayUrls: urls.map((url) => url.replace('//localhost:', '//127.0.0.1:')),
    subgraphUrls,
    jwksUrl: `http://127.0.0.1:${subgraphBase + SUBGRAPH_DATABASES.findIndex((s) => s.name === 'identity')}/.well-known/jwks.json`,
    adminUrl: `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/${EMBEDDED_DATABASE}`,
    stop: () => stack.stop(),
  };
}

/**
 * Whether PostgreSQL loads pg_stat_statements; if not, configures it (ALTER SYSTEM writes
 * postgresql.auto.conf in the benchmark's own data folder) and answers false: the server must
 * then be restarted, once per data folder.
 */
export async function ensureStatementStatistics(adminUrl: string): Promise<boolean> {
  const db = new pg.Client({ connectionString: adminUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'");
    const loaded = (rows[0]?.setting ?? '').split(',').map((s) => s.trim()).includes('pg_stat_statements');
    if (loaded) {
      await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      return true;
    }
    await db.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    return false;
  } finally {
    await db.end();
  }
}
