// The processes the HTTP benchmark starts (the stack, Hive Gateway, the floor): each in a
// process group of its own, so that stopping it stops whatever it started, its output kept
// (the last lines, for failures) and its warnings and errors passed through.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';

const TAIL_LINES = 60;

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Settles when the process has exited. */
  exited: Promise<void>;
  /** The last lines it wrote. */
  tail(): string;
  /** SIGTERM to its group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
};

/**
 * Whether a line of a server's output is a problem to show while measuring: a JSON line (after
 * the supervisor's name column) at level warn or above (not an access line, whose `errorCodes` field would match a word search),
 * or a plain line naming an error or warning.
 */
function worthShowing(line: string): boolean {
  return line.includes('{"level":') ? /\{"level":"(warn|error|fatal)"/.test(line) : /\b(error|warn|fatal)/i.test(line);
}

/** Starts `command` in a new process group; `onLine` sees every line of its output. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; onLine?: (line: string) => void },
): ManagedProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const pid = child.pid;
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const stream of [child.stdout!, child.stderr!]) {
    // Read to the end, always: a full pipe would block the child.
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      if (worthShowing(line)) process.stderr.write(`[${name}] ${line}\n`);
      options.onLine?.(line);
    });
  }
  return {
    name,
    child,
    pid,
    exited,
    tail: () => lines.join('\n'),
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return signalGroup(pid, 'SIGKILL');
      signalGroup(pid, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), delay(graceMs, false)]);
      // Whatever it left in its group goes too.
      signalGroup(pid, 'SIGKILL');
      if (!stopped) await exited;
    },
  };
}

/** Resolves once `url` answers 200; rejects when `target` exits first or after `timeoutMs`. */
export async function waitForHttp(url: string, target: ManagedProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void target.exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${target.name} exited before it was ready:\n${target.tail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await delay(200);
  }
  throw new Error(`${target.name} was not ready after ${timeoutMs / 1000} s (${url}):\n${target.tail()}`);
}
