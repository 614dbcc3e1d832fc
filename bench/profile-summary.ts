// Where a .cpuprofile's time went: self time by function and by package, and the time spent
// inside (inclusive) each of the project's own functions. For profiles from bench/cpu-profile.cjs.
//   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 25]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top N]');
const top = Number(process.argv[process.argv.indexOf('--top') + 1] ?? 25) || 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Each sample's time is the delta to the next one.
const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  selfMs.set(id, (selfMs.get(id) ?? 0) + delta);
});

const where = (node: ProfileNode) => {
  const { url, lineNumber } = node.callFrame;
  const short = url.replace(/^file:\/\//, '').replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/.*\/(gateway|packages|subgraphs)\//, '$1/');
  return `${node.callFrame.functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
};
const packageOf = (node: ProfileNode) => {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  if (url.startsWith('node:')) return 'node core';
  return /(gateway|packages\/[^/]+|subgraphs\/[^/]+)\//.exec(url)?.[1] ?? url;
};

const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
const sum = (entries: Map<string, number>) => [...entries].sort((a, b) => b[1] - a[1]);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const node = byId.get(id)!;
  byFunction.set(where(node), (byFunction.get(where(node)) ?? 0) + ms);
  byPackage.set(packageOf(node), (byPackage.get(packageOf(node)) ?? 0) + ms);
  // Inclusive time of the project's own frames: once per frame name on the stack.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)!;
    if (!/\/(gateway|packages|subgraphs)\//.test(frame.callFrame.url) || /node_modules/.test(frame.callFrame.url)) continue;
    const name = where(frame);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
  }
}
const pct = (ms: number) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s profiled, ${total.toFixed(0)} ms sampled`);
console.log('\nself time by package');
for (const [name, ms] of sum(byPackage).slice(0, top)) console.log(`${pct(ms)}  ${name}`);
console.log('\nself time by function');
for (const [name, ms] of sum(byFunction).slice(0, top)) console.log(`${pct(ms)}  ${name}`);
console.log("\ninclusive time of the project's functions");
for (const [name, ms] of sum(inclusive).slice(0, top)) console.log(`${pct(ms)}  ${name}`);
