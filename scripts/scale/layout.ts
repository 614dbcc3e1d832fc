// The scale layout: two processes (or more) of the gateway and of every subgraph, on one
// PostgreSQL and one Redis, behind HAProxy. The gateways call each subgraph through HAProxy's
// frontend for it, so any gateway reaches any subgraph process; chat fans out through Redis.
// Used by `pnpm start:scale` and by tests/replicas.test.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../db/src/config.js';
import { SUBGRAPH_DATABASES } from '../../db/src/subgraphs.js';
import { buildServices } from '../build.js';
import { freePort } from '../stack/ports.js';
import { CHECK_INTERVAL_MS, haproxyConfig, serverStates } from './haproxy.js';

/** A stopping process keeps listening this long after its readiness turned 503: HAProxy's three failed checks come first. */
export const SCALE_SHUTDOWN_DELAY_MS = 7 * CHECK_INTERVAL_MS;

export interface ScaleLayoutOptions {
  /** Each subgraph's own role connection, by subgraph name. */
  databaseUrls: Record<string, string>;
  gatewaySecret: string;
  /** Chat's fan-out between community processes. */
  redisUrl: string;
  /** Processes per service; default 2. */
  replicas?: number;
  /** HAProxy's port for clients; default 0 (a free one). */
  port?: number;
  /** Settings for every process besides the layout's own (LOG_LEVEL, limits, ...). */
  env?: Record<string, string>;
  /** Where the processes' output goes; default: discarded. */
  output?: (service: string, chunk: string) => void;
}

/** One process of a service, at a fixed port (kept across restarts). */
export interface Replica {
  service: string;
  /** Its name in HAProxy, e.g. `learning-2`. */
  server: string;
  port: number;
  child: ChildProcess;
  /** Its GraphQL endpoint, bypassing HAProxy. */
  url: string;
}

export interface ScaleLayout {
  /** HAProxy's GraphQL endpoint for clients. */
  url: string;
  /** identity's signing key (Ed25519, PKCS#8 PEM) and its kid, shared by its processes. */
  signingKey: { pem: string; kid: string };
  haproxyConfigPath: string;
  gateways: Replica[];
  subgraphs: Record<string, Replica[]>;
  /**
   * Stops a process with `signal` (SIGTERM: gracefully; SIGKILL: a crash), starts it again on
   * its port and resolves once HAProxy sends it traffic again.
   */
  restart(replica: Replica, signal?: NodeJS.Signals): Promise<void>;
  /** Stops every process (gateways first) and HAProxy, and removes the configuration. */
  stop(): Promise<void>;
}

/** Whether HAProxy is installed (Debian: `apt-get install haproxy`). */
export function haproxyAvailable(): boolean {
  return spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
}

const urlVariable = (name: string) => `${name.toUpperCase().replaceAll('-', '_')}_URL`;
const entryOf = (service: string) => join(REPO_ROOT, service === 'gateway' ? 'gateway' : join('subgraphs', service), 'dist', 'index.js');

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`scale layout: ${what} did not happen within ${timeoutMs / 1000} s`);
}

const answersReady = async (url: string) => (await fetch(url.replace(/\/graphql$/, '/readyz'))).status === 200;
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));

export async function startScaleLayout(options: ScaleLayoutOptions): Promise<ScaleLayout> {
  const replicas = options.replicas ?? 2;
  await buildServices({ quiet: true });
  const dir = await mkdtemp(join(tmpdir(), 'academy-scale-'));
  const names = SUBGRAPH_DATABASES.map((subgraph) => subgraph.name);
  const ports = async (count: number) => Promise.all(Array.from({ length: count }, () => freePort()));
  const frontendPort = options.port || (await freePort());
  const statsPort = await freePort();
  const subgraphFrontends = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()] as const)));
  const subgraphPorts = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await ports(replicas)] as const)));
  const gatewayPorts = await ports(replicas);
  // identity's processes sign with one key, so any of them answers the gateways' JWKS requests.
  const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const common = {
    ...options.env,
    GATEWAY_SECRET: options.gatewaySecret,
    HOST: '127.0.0.1',
    SHUTDOWN_DELAY_MS: String(SCALE_SHUTDOWN_DELAY_MS),
  };
  const envOf = (service: string, port: number): Record<string, string> =>
    service === 'gateway'
      ? {
          ...common,
          PORT: String(port),
          // Throttles and automatic persisted queries shared by the gateways.
          REDIS_URL: options.redisUrl,
          ...Object.fromEntries(names.map((name) => [urlVariable(name), `http://127.0.0.1:${subgraphFrontends[name]}/graphql`])),
        }
      : {
          ...common,
          PORT: String(port),
          DATABASE_URL: options.databaseUrls[service]!,
          ...(service === 'community' ? { REDIS_URL: options.redisUrl } : {}),
          ...(service === 'identity' ? { JWT_PRIVATE_KEY: signingKey, JWT_KEY_ID: 'scale', MAIL_DIR: join(dir, 'mail') } : {}),
        };
  const spawnReplica = (replica: Omit<Replica, 'child'>): Replica => {
    const child = spawn(process.execPath, [`--max-old-space-size=256`, entryOf(replica.service)], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: process.env.NODE_ENV ?? 'development', ...envOf(replica.service, replica.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forward = (chunk: Buffer) => options.output?.(replica.server, chunk.toString('utf8'));
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    return { ...replica, child };
  };

  const subgraphs: Record<string, Replica[]> = {};
  for (const name of names) {
    subgraphs[name] = subgraphPorts[name]!.map((port, i) =>
      spawnReplica({ service: name, server: `${name}-${i + 1}`, port, url: `http://127.0.0.1:${port}/graphql` }),
    );
  }
  const gateways = gatewayPorts.map((port, i) => spawnReplica({ service: 'gateway', server: `gateway-${i + 1}`, port, url: `http://127.0.0.1:${port}/graphql` }));

  const haproxyConfigPath = join(dir, 'haproxy.cfg');
  await writeFile(
    haproxyConfigPath,
    haproxyConfig(
      [
        { name: 'gateway', frontendPort, serverPorts: gatewayPorts },
        ...names.map((name) => ({ name, frontendPort: subgraphFrontends[name]!, serverPorts: subgraphPorts[name]! })),
      ],
      statsPort,
    ),
  );
  const haproxy = spawn('haproxy', ['-f', haproxyConfigPath, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  haproxy.stdout?.on('data', (chunk: Buffer) => options.output?.('haproxy', chunk.toString('utf8')));
  haproxy.stderr?.on('data', (chunk: Buffer) => options.output?.('haproxy', chunk.toString('utf8')));

  const all = () => [...gateways, ...Object.values(subgraphs).flat()];
  const servedByProxy = async (replica: Replica) => (await serverStates(statsPort)).get(`${replica.service}-processes/${replica.server}`) === 'UP';
  const stop = async () => {
    for (const group of [gateways, ...Object.values(subgraphs)]) {
      await Promise.all(
        group.map((replica) => {
          replica.child.kill('SIGTERM');
          return exited(replica.child);
        }),
      );
    }
    haproxy.kill('SIGTERM');
    await exited(haproxy);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const replica of all()) await until(`${replica.server} ready`, () => answersReady(replica.url));
    for (const replica of all()) await until(`HAProxy sending to ${replica.server}`, () => servedByProxy(replica));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: `http://127.0.0.1:${frontendPort}/graphql`,
    signingKey: { pem: signingKey, kid: 'scale' },
    haproxyConfigPath,
    gateways,
    subgraphs,
    async restart(replica, signal = 'SIGTERM') {
      replica.child.kill(signal);
      await exited(replica.child);
      replica.child = spawnReplica(replica).child;
      await until(`${replica.server} ready again`, () => answersReady(replica.url));
      await until(`HAProxy sending to ${replica.server} again`, () => servedByProxy(replica));
    },
    stop,
  };
}
