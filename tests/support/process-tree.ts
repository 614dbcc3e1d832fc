import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

interface ProcessRow {
  pid: number;
  ppid: number;
  /** ps's STAT column; "Z…" is a zombie: dead, only not yet reaped. */
  state: string;
}

function processTable(): ProcessRow[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 3)
    .map(([pid, ppid, state]) => ({ pid: Number(pid), ppid: Number(ppid), state: state! }));
}

/** `root` and every process below it, as `ps` sees them now. */
export function processTree(root: number): number[] {
  const rows = processTable();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const row of rows) if (row.ppid === tree[i] && !tree.includes(row.pid)) tree.push(row.pid);
  }
  return tree;
}

/** The pid in a PostgreSQL data folder's postmaster.pid, or null when there is none. */
export function postmasterPid(clusterDir: string): number | null {
  const file = `${clusterDir}/postmaster.pid`;
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) ? pid : null;
}

/** Those of `pids` still running; zombies count as gone (an init that does not reap keeps them). */
export function livingProcesses(pids: number[]): number[] {
  const alive = new Set(processTable().filter((row) => !row.state.startsWith('Z')).map((row) => row.pid));
  return pids.filter((pid) => alive.has(pid));
}

/** Waits up to `timeoutMs` for every one of `pids` to be gone; returns those still running. */
export async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const living = livingProcesses(pids);
    if (living.length === 0 || Date.now() >= deadline) return living;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Last resort after a failed test: SIGKILL whatever of `pids` is still running. */
export function killAll(pids: number[]): void {
  for (const pid of livingProcesses(pids)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone in the meantime.
    }
  }
}
