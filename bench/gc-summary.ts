// Reads the records bench/gc-log.cjs wrote and sums them over a window, per process:
//   node --import tsx bench/gc-summary.ts <dir> [<from epoch ms>..<to epoch ms>]
// (bench:chat logs its sending window in that form). Without a window, each process's whole life.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Record {
  name: string;
  pid: number;
  timeOrigin: number;
  pauses: { kind: string; atMs: number; ms: number }[];
  stalls: { atMs: number; maxMs: number }[];
}

const [dir, window] = process.argv.slice(2);
if (!dir) throw new Error('usage: bench/gc-summary.ts <dir> [<from>..<to>]');
const [from, to] = window ? window.split('..').map(Number) : [0, Infinity];
const inWindow = (record: Record, atMs: number) => record.timeOrigin + atMs >= from! && record.timeOrigin + atMs <= to!;

for (const file of readdirSync(dir).filter((f) => f.endsWith('.gc.json')).sort()) {
  const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record;
  const pauses = record.pauses.filter((p) => inWindow(record, p.atMs));
  const byKind = new Map<string, { count: number; ms: number; max: number }>();
  for (const pause of pauses) {
    const sum = byKind.get(pause.kind) ?? { count: 0, ms: 0, max: 0 };
    sum.count += 1;
    sum.ms += pause.ms;
    sum.max = Math.max(sum.max, pause.ms);
    byKind.set(pause.kind, sum);
  }
  const stalls = record.stalls.filter((s) => inWindow(record, s.atMs)).map((s) => s.maxMs);
  const kinds = [...byKind].map(([kind, s]) => `${kind} ${s.count} × ≥5 ms, ${Math.round(s.ms)} ms in all, longest ${s.max} ms`).join('; ');
  const worst = [...stalls].sort((a, b) => b - a).slice(0, 5);
  process.stdout.write(`${record.name} (${record.pid}): pauses ${kinds || 'none ≥ 5 ms'}; seconds with a stall ≥ 20 ms: ${stalls.length}, ≥ 100 ms: ${stalls.filter((s) => s >= 100).length}, worst ${worst.join(', ') || '-'} ms\n`);
}
