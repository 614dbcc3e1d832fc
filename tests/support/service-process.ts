import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { rememberProcess } from './process-tree.js';
import { REPO_ROOT } from './start-command.js';

/** A gateway or subgraph running as a process of its own, from its sources. */
export interface ServiceProcess {
  child: ChildProcess;
  /** The port it listens on (it was started with PORT=0 unless told otherwise). */
  port: number;
  /** Its GraphQL endpoint. */
  url: string;
  /** Everything it has logged so far (JSON lines on stderr), and its stdout. */
  output(): string;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The source entry of a service: `gateway` or a subgraph's name. */
export function serviceEntry(service: string): string {
  return service === 'gateway' ? join(REPO_ROOT, 'gateway', 'src', 'index.ts') : join(REPO_ROOT, 'subgraphs', service, 'src', 'index.ts');
}

/**
 * Starts `service` (`gateway` or a subgraph's name) as a child process with `env` besides the
 * test's own, and resolves once it logged the port it listens on.
 */
export function startServiceProcess(service: string, env: Record<string, string>, timeoutMs = 180_000): Promise<ServiceProcess> {
  const inherited = { ...process.env };
  for (const name of Object.keys(inherited)) if (name.endsWith('DATABASE_URL') || name.endsWith('_URL')) delete inherited[name];
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', serviceEntry(service)], {
    cwd: REPO_ROOT,
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) rememberProcess(child.pid);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const listening = /"msg":"(?:gateway|subgraph) listening".*?"port":(\d+)|"port":(\d+).*?"msg":"(?:gateway|subgraph) listening"/;
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = listening.exec(output) ?? /(?:gateway|subgraph) listening[^\n]*"port":(\d+)/.exec(output);
      if (!match) return;
      cleanup();
      const port = Number(match[1] ?? match[2]);
      resolve({ child, port, url: `http://127.0.0.1:${port}/graphql`, output: () => output, exited });
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${service} exited (code ${code}) before listening:\n${output.slice(-4000)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`${service} did not listen within ${timeoutMs / 1000} s:\n${output.slice(-4000)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
    };
    child.stderr?.on('data', check);
    child.once('exit', onExit);
  });
}

/** Resolves once `probe` resolves true (tried again after each short pause). */
export async function waitUntil(what: string, probe: () => Promise<boolean>, attempts = 600): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}
