// `pnpm start` end to end: the real command on an embedded PostgreSQL in a fresh DATA_DIR,
// queried through its gateway, stopped with SIGTERM, then started again on the same data.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ConfigError } from '@academy/service-kit';
import { loadStartConfig } from '../scripts/stack/config.js';
import { killAll, postmasterPid, processTree, waitUntilGone } from './support/process-tree.js';
import { startCommand, testStackEnvironment, type StartedCommand } from './support/start-command.js';

const CATALOGUE = /* GraphQL */ `
  {
    courses(first: 20) {
      totalCount
      edges { node { title author { displayName } price { formatted } upcomingSessions { startsAt venue { name } } } }
    }
  }
`;
const COURSE_IDS = /* GraphQL */ `{ courses(first: 100) { totalCount edges { node { id } } } }`;

interface CatalogueNode {
  title: string;
  author: { displayName: string };
  price: { formatted: string } | null;
  upcomingSessions: { startsAt: string; venue: { name: string } | null }[];
}

const READY_TIMEOUT_MS = 120_000;

let dataDir: string;
let environment: NodeJS.ProcessEnv;
/** Every process any start in this file made, for the last-resort cleanup. */
const seen = new Set<number>();
let current: ChildProcess | undefined;

async function query<T>(url: string, text: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

async function start(extra: Record<string, string> = {}): Promise<StartedCommand> {
  return startCommand({ ...environment, ...extra }, READY_TIMEOUT_MS, (child) => {
    current = child;
    if (child.pid !== undefined) seen.add(child.pid);
  });
}

/** The supervisor, its children and theirs, and the postmaster (which runs as another user when root). */
function recordTree(started: StartedCommand): number[] {
  const pids = new Set(processTree(started.child.pid!));
  const postmaster = postmasterPid(join(dataDir, 'postgres', 'cluster'));
  if (postmaster !== null) pids.add(postmaster);
  for (const pid of pids) seen.add(pid);
  return [...pids];
}

/** The environment of the tree's process running `entry` (e.g. gateway/dist/index.js). */
function environmentOf(tree: number[], entry: string): Record<string, string> {
  for (const pid of tree) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith(entry))) continue;
      return Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    } catch {
      // ended meanwhile
    }
  }
  throw new Error(`no process runs ${entry}`);
}

/** How the subgraphs' connections reach PostgreSQL: each backend's client address (null over a Unix-domain socket). */
async function subgraphClientAddresses(): Promise<(string | null)[]> {
  const credentials = JSON.parse(readFileSync(join(dataDir, 'postgres', 'credentials.json'), 'utf8')) as { user: string; password: string; port: number };
  const client = new pg.Client({ host: '127.0.0.1', port: credentials.port, user: credentials.user, password: credentials.password, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ client_addr: string | null }>(
      `SELECT host(client_addr) AS client_addr FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name = ANY($1)`,
      [['identity', 'learning', 'scheduling', 'commerce', 'community', 'ai-analytics']],
    );
    return rows.map((row) => row.client_addr);
  } finally {
    await client.end();
  }
}

/** SIGTERM, and what the stop left: its exit and any process of the tree still running. */
async function stop(started: StartedCommand, tree: number[]) {
  started.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    started.exited,
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 60_000))),
  ]);
  clearTimeout(timer);
  // Helpers such as tsx's esbuild end when their parent's pipe closes, a moment after it.
  const left = await waitUntilGone(tree, 10_000);
  return { exit, left };
}

/** The demo accounts a start printed: role, e-mail and password each. */
function printedAccounts(output: string): { role: string; email: string; password: string }[] {
  const block = /^demo accounts \(development only; kept in (\S+)\):\n((?: {2}.*\n)+)/m.exec(output);
  expect(block?.[1]).toBe(join(dataDir, 'demo-accounts.json'));
  return block![2]!.trimEnd().split('\n').map((line) => {
    const [role, email, password] = line.trim().split(/\s+/);
    return { role: role!, email: email!, password: password! };
  });
}

/** A request as a demo account, signed in with logIn. */
async function asAccount<T>(url: string, account: { email: string; password: string }, text: string, variables: Record<string, unknown> = {}): Promise<T> {
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const answer = (await response.json()) as { data?: unknown; errors?: unknown[] };
    expect(answer.errors).toBeUndefined();
    return answer.data;
  };
  const login = (await post({ query: 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }', variables: { e: account.email, p: account.password } })) as {
    logIn: { accessToken: string };
  };
  return (await post({ query: text, variables }, { authorization: `Bearer ${login.logIn.accessToken}` })) as T;
}

const REPORTS = /* GraphQL */ `{
  analyticsReports(first: 10) {
    totalCount
    edges { node { name reportType parameters { eventName granularity } result { range { from to } series { metric total points { bucket value withheld } } funnelSteps { name users conversionFromPrevious withheld } } } }
  }
}`;
const COUNTS = /* GraphQL */ `
  query Counts($name: String!, $range: TimeRange!, $granularity: Granularity!) {
    eventCounts(name: $name, range: $range, granularity: $granularity) { metric total points { bucket value withheld } }
  }
`;

const ACTIVE = /* GraphQL */ `
  query Active($range: TimeRange!, $granularity: Granularity!) {
    activeUsers(range: $range, granularity: $granularity) { metric total points { bucket value withheld } }
  }
`;
const FUNNEL = /* GraphQL */ `query Funnel($steps: [String!]!, $range: TimeRange!) { funnel(steps: $steps, range: $range) { name users conversionFromPrevious withheld } }`;

interface DemoReport {
  name: string;
  reportType: string;
  parameters: { eventName: string | null; granularity: string | null };
  result: { range: { from: string; to: string }; series: { total: number } | null; funnelSteps: { name: string; users: number }[] | null };
}

const courseIds = (data: { courses: { edges: { node: { id: string } }[] } }) => data.courses.edges.map((e) => e.node.id).sort();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'academy-start-'));
  environment = testStackEnvironment(dataDir);
});

afterAll(async () => {
  // After a failure: whatever is still running goes, then the data.
  if (current && current.exitCode === null && current.signalCode === null) {
    current.kill('SIGTERM');
    await waitUntilGone([current.pid!], 30_000);
  }
  const tree = [...seen];
  killAll(tree);
  await waitUntilGone(tree, 10_000);
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('pnpm start', () => {
  let firstIds: string[] = [];
  let firstTotal = 0;
  /** A demo learner the first start printed. */
  let learner: { email: string; password: string } | undefined;
  let accounts: { role: string; email: string; password: string }[] = [];

  it(
    'initialises, seeds and serves the catalogue, and leaves no process behind on SIGTERM',
    async () => {
      const started = await start();
      const origin = new URL(started.url).origin;
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);

      const { courses } = await query<{ courses: { totalCount: number; edges: { node: CatalogueNode }[] } }>(started.url, CATALOGUE);
      const nodes = courses.edges.map((e) => e.node);
      const firstAidPrices = nodes.filter((n) => /first aid/i.test(n.title)).map((n) => n.price?.formatted);
      expect(firstAidPrices).toEqual(expect.arrayContaining(['£75.00', '£95.00', '£85.00']));
      for (const node of nodes) {
        expect(node.author.displayName).toEqual(expect.any(String));
        for (const session of node.upcomingSessions) expect(Date.parse(session.startsAt)).toBeGreaterThan(Date.now() - 60_000);
      }
      expect(nodes.some((n) => n.upcomingSessions.some((s) => s.venue !== null))).toBe(true);

      const ids = await query<{ courses: { totalCount: number; edges: { node: { id: string } }[] } }>(started.url, COURSE_IDS);
      firstIds = courseIds(ids);
      firstTotal = ids.courses.totalCount;
      expect(firstIds.length).toBeGreaterThan(0);
      expect(started.output()).toMatch(/creating a PostgreSQL cluster/);
      expect(started.output()).toMatch(/^seeded \d+ rows/m);
      // The admin and the demo accounts, kept in the data folder for the next starts.
      accounts = printedAccounts(started.output());
      expect(accounts.map((a) => a.role)).toEqual(['ADMIN', 'LEARNER', 'TRAINER', 'CONTENT_AUTHOR', 'ORGANIZER', 'ANALYST', 'PARTNER']);
      const file = join(dataDir, 'demo-accounts.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect((JSON.parse(readFileSync(file, 'utf8')) as { accounts: unknown[] }).accounts).toEqual(accounts);
      learner = accounts.find((a) => a.role === 'LEARNER');

      // The demo analyst's saved reports, and the domain events (enrollments here) in eventCounts:
      // the snapshot the seed stored is what the live figure answers over the same range.
      const analyst = accounts.find((a) => a.role === 'ANALYST')!;
      const { analyticsReports } = await asAccount<{ analyticsReports: { totalCount: number; edges: { node: DemoReport }[] } }>(started.url, analyst, REPORTS);
      expect(analyticsReports.edges.map((e) => e.node.reportType).sort()).toEqual(['ACTIVE_USERS', 'EVENT_COUNTS', 'FUNNEL']);
      const enrollments = analyticsReports.edges.find((e) => e.node.reportType === 'EVENT_COUNTS')!.node;
      expect(enrollments.parameters.eventName).toBe('enrollment.created');
      const live = await asAccount<{ eventCounts: { total: number } }>(started.url, analyst, COUNTS, {
        name: 'enrollment.created',
        range: enrollments.result.range,
        granularity: enrollments.parameters.granularity,
      });
      expect(live.eventCounts).toEqual(enrollments.result.series);
      expect(live.eventCounts.total).toBeGreaterThan(0);
      const weekly = analyticsReports.edges.find((e) => e.node.reportType === 'ACTIVE_USERS')!.node;
      const active = await asAccount<{ activeUsers: unknown }>(started.url, analyst, ACTIVE, { range: weekly.result.range, granularity: weekly.parameters.granularity });
      expect(active.activeUsers).toEqual(weekly.result.series);
      const checkout = analyticsReports.edges.find((e) => e.node.reportType === 'FUNNEL')!.node;
      const steps = checkout.result.funnelSteps!.map((s) => s.name);
      const funnel = await asAccount<{ funnel: unknown }>(started.url, analyst, FUNNEL, { steps, range: checkout.result.range });
      expect(funnel.funnel).toEqual(checkout.result.funnelSteps);

      const tree = recordTree(started);
      // The supervisor, the embedded server's process, six subgraphs and a gateway, and PostgreSQL.
      expect(tree.length).toBeGreaterThanOrEqual(10);
      expect(tree).toContain(postmasterPid(join(dataDir, 'postgres', 'cluster')));

      // By default the gateway reaches each subgraph through its Unix-domain socket (the
      // catalogue above went through learning's: its listener and the connections it accepted),
      // and the subgraphs reach PostgreSQL through its socket.
      const gatewayEnvironment = environmentOf(tree, join('gateway', 'dist', 'index.js'));
      const sockets = ['IDENTITY', 'LEARNING', 'SCHEDULING', 'COMMERCE', 'COMMUNITY', 'AI_ANALYTICS'].map((name) => gatewayEnvironment[`${name}_SOCKET`]!);
      for (const socket of sockets) expect(existsSync(socket)).toBe(true);
      expect(environmentOf(tree, join('subgraphs', 'learning', 'dist', 'index.js')).SOCKET_PATH).toBe(gatewayEnvironment.LEARNING_SOCKET);
      const unixSockets = readFileSync('/proc/net/unix', 'utf8').split('\n').filter((line) => line.endsWith(` ${gatewayEnvironment.LEARNING_SOCKET}`));
      expect(unixSockets.length).toBeGreaterThan(1);
      const addresses = await subgraphClientAddresses();
      expect(addresses.length).toBeGreaterThan(0);
      expect(new Set(addresses)).toEqual(new Set([null]));

      const { exit, left } = await stop(started, tree);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(left).toEqual([]);
      for (const socket of sockets) expect(existsSync(socket)).toBe(false);
    },
    240_000,
  );

  it(
    'starts again on the same DATA_DIR with the same data, without seeding',
    async () => {
      expect(firstIds.length).toBeGreaterThan(0);
      // Flags Node refuses in NODE_OPTIONS reach every service process through SERVICE_NODE_FLAGS.
      // And with STACK_SOCKETS=false, the processes talk over loopback TCP only.
      const started = await start({ SERVICE_NODE_FLAGS: '--single-threaded-gc  --stack-trace-limit=17', STACK_SOCKETS: 'false' });
      const origin = new URL(started.url).origin;
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);
      const services = processTree(started.child.pid!)
        .map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'))
        .filter((argv) => argv.some((arg) => /(gateway|subgraphs\/[a-z-]+)\/dist\/index\.js$/.test(arg)));
      expect(services).toHaveLength(7);
      for (const argv of services) expect(argv).toEqual(expect.arrayContaining(['--single-threaded-gc', '--stack-trace-limit=17']));

      const ids = await query<{ courses: { totalCount: number; edges: { node: { id: string } }[] } }>(started.url, COURSE_IDS);
      expect(ids.courses.totalCount).toBe(firstTotal);
      expect(courseIds(ids)).toEqual(firstIds);
      expect(started.output()).toMatch(/^not seeding: the database already has users/m);
      expect(started.output()).not.toMatch(/^seeded \d+ rows/m);
      // Shown again at every start, from the data folder.
      expect(printedAccounts(started.output())).toEqual(accounts);
      expect(started.output()).not.toMatch(/creating a PostgreSQL cluster/);

      const tree = recordTree(started);
      expect(Object.keys(environmentOf(tree, join('gateway', 'dist', 'index.js'))).filter((name) => name.endsWith('_SOCKET'))).toEqual([]);
      expect(environmentOf(tree, join('subgraphs', 'learning', 'dist', 'index.js')).SOCKET_PATH).toBeUndefined();
      const addresses = await subgraphClientAddresses();
      expect(addresses.length).toBeGreaterThan(0);
      expect(new Set(addresses)).toEqual(new Set(['127.0.0.1']));
      const { exit, left } = await stop(started, tree);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(left).toEqual([]);
    },
    240_000,
  );

  it(
    'with STACK_LAYOUT=single, serves the same data from one process holding the gateway and the six subgraphs',
    async () => {
      expect(firstIds.length).toBeGreaterThan(0);
      expect(learner).toBeDefined();
      // Without the accounts file, the start says how to get accounts.
      await rm(join(dataDir, 'demo-accounts.json'));
      const started = await start({ STACK_LAYOUT: 'single' });
      expect(started.output()).toMatch(/^no demo accounts kept in \S+demo-accounts\.json for this database/m);
      expect(started.output()).toMatch(/db admin create --email/);
      expect(started.output()).toMatch(/db reset --yes/);
      const origin = new URL(started.url).origin;
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);

      const ids = await query<{ courses: { totalCount: number; edges: { node: { id: string } }[] } }>(started.url, COURSE_IDS);
      expect(ids.courses.totalCount).toBe(firstTotal);
      expect(courseIds(ids)).toEqual(firstIds);
      // Signing in and reading one's own profile: identity, its keys and the caller all in process.
      const login = await fetch(started.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }', variables: { e: learner!.email, p: learner!.password } }),
      });
      const token = ((await login.json()) as { data: { logIn: { accessToken: string } } }).data.logIn.accessToken;
      const me = await fetch(started.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { email } }' }),
      });
      expect(await me.json()).toEqual({ data: { me: { email: learner!.email } } });

      const tree = recordTree(started);
      const commands = tree.map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        } catch {
          return '';
        }
      });
      expect(commands.filter((c) => c.includes(join('single-process', 'dist', 'index.js')))).toHaveLength(1);
      expect(commands.filter((c) => /subgraphs\/[a-z-]+\/dist\/index\.js|gateway\/dist\/index\.js/.test(c))).toEqual([]);
      const { exit, left } = await stop(started, tree);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(left).toEqual([]);
    },
    240_000,
  );
});

describe('SERVICE_NODE_FLAGS', () => {
  it('takes flags separated by spaces and refuses anything else', () => {
    expect(loadStartConfig({}).SERVICE_NODE_FLAGS).toEqual([]);
    expect(loadStartConfig({ SERVICE_NODE_FLAGS: ' --single-threaded-gc   --max-semi-space-size=32 ' }).SERVICE_NODE_FLAGS).toEqual(['--single-threaded-gc', '--max-semi-space-size=32']);
    for (const bad of ['single-threaded-gc', '--max-semi-space-size=32;touch x', '-e process.exit()', '--require=/tmp/x.js extra']) {
      expect(() => loadStartConfig({ SERVICE_NODE_FLAGS: bad })).toThrow(ConfigError);
    }
  });
});
