import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAll, rememberProcess, waitUntilGone } from './process-tree.js';

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const READY_LINE = /^ready in ([\d.]+) s: (http:\/\/\S+\/graphql)/m;

/** `pnpm start` running as a child of the test. */
export interface StartedCommand {
  child: ChildProcess;
  /** Everything it has written so far, stdout and stderr interleaved. */
  output(): string;
  /** The first gateway's GraphQL URL, from the ready line. */
  url: string;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment for the start command: the test's, without anything naming another database. */
export function startEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === 'DATABASE_URL' || name.endsWith('_DATABASE_URL') || name.startsWith('ADMIN_')) delete env[name];
  }
  return { ...env, ...overrides };
}

/**
 * Runs `node --conditions=source --import tsx scripts/start.ts` as `pnpm start` does and waits
 * for its ready line. Rejects, with the output so far, if it exits first or is not ready in
 * `timeoutMs` (and then stops it).
 */
export function startCommand(env: NodeJS.ProcessEnv, timeoutMs: number, onSpawn?: (child: ChildProcess) => void): Promise<StartedCommand> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'scripts/start.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) rememberProcess(child.pid);
  onSpawn?.(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const tail = () => output.split('\n').slice(-40).join('\n');

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGTERM');
      reject(new Error(`no ready line within ${timeoutMs / 1000} s; output:\n${tail()}`));
    }, timeoutMs);
    const check = () => {
      const match = READY_LINE.exec(output);
      if (!match) return;
      cleanup();
      resolve({ child, output: () => output, url: match[2]!, exited });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`start exited (${signal ?? `code ${code}`}) before it was ready; output:\n${tail()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.once('exit', onExit);
  });
}

/**
 * What a test of `pnpm start` runs it with: a data folder of the test's own, free ports for
 * everything (the embedded PostgreSQL included) and small demo data.
 */
export function testStackEnvironment(dataDir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return startEnvironment({
    DATA_DIR: dataDir,
    GATEWAY_PORT: '0',
    SUBGRAPH_BASE_PORT: '0',
    EMBEDDED_PG_PORT: '0',
    SEED_SCALE: '0.1',
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    ...overrides,
  });
}

/** `pnpm start` on a data folder of its own, held by one test file from beforeAll to afterAll. */
export interface OwnStack {
  dataDir: string;
  command: StartedCommand;
  /** Every process seen in its tree (a test adds the ones it finds): `stop` ends each one left. */
  seen: Set<number>;
  /** SIGTERM to the command, then SIGKILL to whatever of its processes is left; removes the data folder. */
  stop(): Promise<void>;
}

/** Starts `pnpm start` for a test file (see testStackEnvironment) and waits until it is ready. */
export async function startOwnStack(name: string, timeoutMs = 120_000): Promise<OwnStack> {
  const dataDir = await mkdtemp(join(tmpdir(), `academy-${name}-`));
  const seen = new Set<number>();
  let command: StartedCommand;
  try {
    command = await startCommand(testStackEnvironment(dataDir), timeoutMs, (child) => child.pid !== undefined && seen.add(child.pid));
  } catch (error) {
    killAll([...seen]);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    dataDir,
    command,
    seen,
    async stop() {
      if (command.child.exitCode === null && command.child.signalCode === null) {
        command.child.kill('SIGTERM');
        await waitUntilGone([command.child.pid!], 30_000);
      }
      killAll([...seen]);
      await waitUntilGone([...seen], 10_000);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
