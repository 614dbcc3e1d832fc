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

/**
 * When each process a test has seen started (from /proc/<pid>/stat), by pid. pid_max is often
 * 32768, and a whole test run spawns more processes than that: a pid a test saw early may belong
 * to another test's process later, and must not be signalled or waited for as if it were its own.
 */
const startTimes = new Map<number, string>();

function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces) start with the third, state;
    // the start time is the twenty-second.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Notes that `pid` is, right now, a process of this test's (see startTimes). */
export function rememberProcess(pid: number): void {
  const started = startTimeOf(pid);
  if (started !== null) startTimes.set(pid, started);
}

/** Whether `pid` still names the process this test noted, or one it never noted. */
const sameProcess = (pid: number) => {
  const noted = startTimes.get(pid);
  return noted === undefined || startTimeOf(pid) === noted;
};

/** `root` and every process below it, as `ps` sees them now. */
export function processTree(root: number): number[] {
  const rows = processTable();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const row of rows) if (row.ppid === tree[i] && !tree.includes(row.pid)) tree.push(row.pid);
  }
  for (const pid of tree) rememberProcess(pid);
  return tree;
}

/** The pid in a PostgreSQL data folder's postmaster.pid, or null when there is none. */
export function postmasterPid(clusterDir: string): number | null {
  const file = `${clusterDir}/postmaster.pid`;
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid)) return null;
  rememberProcess(pid);
  return pid;
}

/**
 * Those of `pids` still running; zombies count as gone (an init that does not reap keeps them),
 * and so does a pid that now names another process than the one noted for it.
 */
export function livingProcesses(pids: number[]): number[] {
  const alive = new Set(processTable().filter((row) => !row.state.startsWith('Z')).map((row) => row.pid));
  return pids.filter((pid) => alive.has(pid) && sameProcess(pid));
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
