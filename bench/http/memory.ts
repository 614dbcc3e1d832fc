// Peak memory (resident set) of groups of processes, sampled from `ps` while a measurement
// runs. `ps` is run asynchronously: a blocking call would stall the load generator, which
// shares this process, and show up as latency.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SAMPLE_INTERVAL_MS = 500;

export interface ProcessRow {
  pid: number;
  ppid: number;
  rssBytes: number;
  args: string;
}

export async function listProcesses(): Promise<ProcessRow[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,rss=,args='], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), rssBytes: Number(m[3]) * 1024, args: m[4]! }));
}

/** `root` and every process below it. */
export function processTree(rows: ProcessRow[], root: number): ProcessRow[] {
  const children = new Map<number, ProcessRow[]>();
  for (const row of rows) children.set(row.ppid, [...(children.get(row.ppid) ?? []), row]);
  const tree: ProcessRow[] = [];
  const walk = (pid: number) => {
    const self = rows.find((row) => row.pid === pid);
    if (self) tree.push(self);
    for (const child of children.get(pid) ?? []) walk(child.pid);
  };
  walk(root);
  return tree;
}

/** Picks a group's processes out of one `ps` listing. */
export type ProcessSelector = (rows: ProcessRow[]) => ProcessRow[];

/** Samples the summed RSS of each group until stopped; `stop` resolves with each group's peak in bytes. */
export function samplePeakMemory<K extends string>(groups: Record<K, ProcessSelector>): { stop(): Promise<Record<K, number>> } {
  const names = Object.keys(groups) as K[];
  const peaks = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    let rows: ProcessRow[];
    try {
      rows = await listProcesses();
    } catch {
      return; // one sample missed
    }
    for (const name of names) {
      const total = groups[name](rows).reduce((sum, row) => sum + row.rssBytes, 0);
      peaks[name] = Math.max(peaks[name], total);
    }
  };
  // One sample at a time, in order.
  const tick = () => {
    sampling = sampling.then(sample);
  };
  tick();
  const timer = setInterval(tick, SAMPLE_INTERVAL_MS);
  return {
    async stop() {
      clearInterval(timer);
      tick();
      await sampling;
      return peaks;
    },
  };
}
