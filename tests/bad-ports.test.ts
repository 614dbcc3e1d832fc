// Ports that browsers and Node's fetch refuse (the Fetch standard's bad ports) are refused by
// every configuration check, with that reason, before anything starts.
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadGatewayConfig } from '@academy/gateway';
import { BAD_PORTS, ConfigError, loadConfig, subgraphConfigSchema } from '@academy/service-kit';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStartConfig } from '../scripts/stack/config.js';
import { killAll, processTree, waitUntilGone } from './support/process-tree.js';
import { REPO_ROOT, testStackEnvironment } from './support/start-command.js';

const SECRET = 'a gateway secret of more than thirty-two characters';

function problems(load: () => unknown): string[] {
  try {
    load();
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

let started: ChildProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  // Only if the check let the stack start (the test then fails): nothing of it may stay behind.
  if (started?.pid !== undefined && started.exitCode === null && started.signalCode === null) {
    const tree = processTree(started.pid);
    started.kill('SIGTERM');
    await waitUntilGone([started.pid], 30_000);
    killAll(tree);
    await waitUntilGone(tree, 10_000);
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

/** Runs `pnpm start` and collects what it writes until it exits. */
function runStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = (started = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'scripts/start.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('bad ports', () => {
  it("lists only ports Node's fetch refuses to connect to", async () => {
    // A bad port is refused before any connection is tried, so nothing is sent anywhere.
    const causes = await Promise.all(
      [...BAD_PORTS.keys()].map((port) =>
        fetch(`http://127.0.0.1:${port}/`).then(
          () => 'connected',
          (error: Error) => (error.cause as Error | undefined)?.message,
        ),
      ),
    );
    expect(new Set(causes)).toEqual(new Set(['bad port']));
    expect(BAD_PORTS.size).toBe(82);
  });

  it('pnpm start refuses GATEWAY_PORT=6000 with the reason, before starting anything', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'academy-bad-port-'));
    const run = await runStart(testStackEnvironment(dataDir, { GATEWAY_PORT: '6000' }));
    expect(run.code).toBe(2);
    expect(run.output).toContain("GATEWAY_PORT: 6000 is a port browsers and Node's fetch refuse to connect to (X11); choose another");
    expect(run.output).not.toMatch(/PostgreSQL/);
  }, 60_000);

  it("the stack's check refuses a range of ports that includes one, and passes ordinary ports", () => {
    expect(problems(() => loadStartConfig({ GATEWAY_PORT: '6664', GATEWAY_PROCESSES: '3', SUBGRAPH_BASE_PORT: '4001' }))).toEqual([
      "GATEWAY_PORT: ports 6664-6666 include 6665, a port browsers and Node's fetch refuse to connect to (IRC); choose another",
      "GATEWAY_PORT: ports 6664-6666 include 6666, a port browsers and Node's fetch refuse to connect to (IRC); choose another",
    ]);
    expect(problems(() => loadStartConfig({ SUBGRAPH_BASE_PORT: '10080' }))).toEqual([
      "SUBGRAPH_BASE_PORT: 10080 is a port browsers and Node's fetch refuse to connect to (Amanda); choose another",
    ]);
    expect(loadStartConfig({ GATEWAY_PORT: '4100', SUBGRAPH_BASE_PORT: '4101' })).toMatchObject({ GATEWAY_PORT: 4100, SUBGRAPH_BASE_PORT: 4101 });
    expect(loadStartConfig({ GATEWAY_PORT: '0', SUBGRAPH_BASE_PORT: '0' })).toMatchObject({ GATEWAY_PORT: 0, SUBGRAPH_BASE_PORT: 0 });
  });

  it("the gateway's checks (its port, the subgraphs' URLs) and a subgraph's refuse bad ports and pass ordinary ones", () => {
    expect(problems(() => loadGatewayConfig({ PORT: '6000', GATEWAY_SECRET: SECRET }))).toEqual([
      "PORT: 6000 is a port browsers and Node's fetch refuse to connect to (X11); choose another",
    ]);
    expect(problems(() => loadGatewayConfig({ IDENTITY_URL: 'http://127.0.0.1:6666/graphql', GATEWAY_SECRET: SECRET }))).toEqual([
      "IDENTITY_URL: 6666 is a port browsers and Node's fetch refuse to connect to (IRC); choose another",
    ]);
    expect(loadGatewayConfig({ PORT: '4000', IDENTITY_URL: 'http://identity/graphql', GATEWAY_SECRET: SECRET }).PORT).toBe(4000);
    const subgraph = { DATABASE_URL: 'postgres://academy_identity@127.0.0.1/academy', GATEWAY_SECRET: SECRET };
    expect(problems(() => loadConfig(subgraphConfigSchema(4001), { ...subgraph, PORT: '6697' }))).toEqual([
      "PORT: 6697 is a port browsers and Node's fetch refuse to connect to (IRC over TLS); choose another",
    ]);
    expect(loadConfig(subgraphConfigSchema(4001), { ...subgraph, PORT: '4001' }).PORT).toBe(4001);
  });
});
