import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
