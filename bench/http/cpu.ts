// CPU time used by groups of processes during a measurement, read from /proc: steadier than
// throughput when the load generator and the servers share the machine, since it does not depend
// on which process the scheduler favoured.
import { readFile } from 'node:fs/promises';
import { listProcesses, type ProcessSelector } from './memory.js';

const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in seconds, or null once it has exited. */
async function cpuSecondsOf(pid: number): Promise<number | null> {
  try {
    // The fields after the command name's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

async function reading<K extends string>(groups: Record<K, ProcessSelector>): Promise<Record<K, Map<number, number>>> {
  const rows = await listProcesses();
  const result = {} as Record<K, Map<number, number>>;
  for (const name of Object.keys(groups) as K[]) {
    const times = new Map<number, number>();
    for (const row of groups[name](rows)) {
      const seconds = await cpuSecondsOf(row.pid);
      if (seconds !== null) times.set(row.pid, seconds);
    }
    result[name] = times;
  }
  return result;
}

/**
 * Starts counting the CPU time of each group; `stop` resolves with each group's seconds. A
 * process counts from when it was first seen (or started) to the end; one that exited
 * meanwhile (a PostgreSQL backend whose connection was closed) is left out.
 */
export async function countCpu<K extends string>(groups: Record<K, ProcessSelector>): Promise<{ stop(): Promise<Record<K, number>> }> {
  const before = await reading(groups);
  return {
    async stop() {
      const after = await reading(groups);
      const used = {} as Record<K, number>;
      for (const name of Object.keys(groups) as K[]) {
        let total = 0;
        for (const [pid, seconds] of after[name]) total += seconds - (before[name].get(pid) ?? 0);
        used[name] = total;
      }
      return used;
    },
  };
}

/** How long `settle` waited, and the CPU (seconds per second, all groups) of its last window. */
export interface Settled {
  waitedSeconds: number;
  idleCoresUsed: number;
}

/**
 * Waits until the groups together use less than `idleCores` of a core over a window of
 * `windowMs` (or `maxSeconds` have passed): the work an earlier measurement left behind (events
 * its writes published, still being relayed and consumed) is then done, and is not counted
 * against the next one.
 */
export async function settle<K extends string>(
  groups: Record<K, ProcessSelector>,
  options: { idleCores?: number; windowMs?: number; maxSeconds?: number } = {},
): Promise<Settled> {
  const idleCores = options.idleCores ?? 0.1;
  const windowMs = options.windowMs ?? 1000;
  const maxSeconds = options.maxSeconds ?? 120;
  const started = Date.now();
  for (;;) {
    const cpu = await countCpu(groups);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const used = Object.values<number>(await cpu.stop()).reduce((sum, seconds) => sum + seconds, 0);
    const idleCoresUsed = used / (windowMs / 1000);
    const waitedSeconds = (Date.now() - started) / 1000;
    if (idleCoresUsed < idleCores || waitedSeconds >= maxSeconds) return { waitedSeconds, idleCoresUsed };
  }
}
