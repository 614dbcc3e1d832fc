// Live chat at scale: graphql-ws subscribers through the gateway, spread over rooms of 2, 20 and
// 500 members, with senders at a steady rate. Reports delivery latency, messages lost and
// duplicated, the gateway's memory and the most subscribers held. Run on purpose:
//   pnpm bench:chat [--subscribers 1000,2500,5000,10000] [--rate 50] [--seconds 20] [--gateways 1]
//                   [--per-process 10000] [--pin auto|clients|split|off] [--client-priority -5]
//                   [--max-client-stall 100]
//                   [--profile <dir>] [--timeline <file>]
// It starts its own stack (data in bench/.data-chat, seeded once at scale 5: 10,000 users).
//
// The subscribers' sockets live in processes of their own (bench/chat-subscribers.ts, at most
// --per-process each: a socket is an open file, and a process may hold only so many); this
// process creates the rooms, sends the messages and gathers the reports. The subscriber
// processes measure the latency, so their own stalls count in it. --pin clients (the default
// where `taskset` exists) runs the bench's processes on the last core at a raised scheduling
// priority (when allowed): a delivery is taken as soon as it arrives, whatever the stack is
// doing, and the stack uses every core, the clients' one for what they leave. --pin split gives
// the stack the other cores only; on 2 cores it then has one, less than it needs at 10,000
// subscribers (about 1.1 cores while sending), and its queue, not its tail, is measured. A step
// whose subscriber processes' event loop stalled longer than --max-client-stall ms is reported
// but marked discarded. --profile writes CPU profiles of the gateway and community processes
// over each measured window (bench/cpu-profile.cjs; read them with bench/profile-summary.ts).
import { generateKeyPairSync } from 'node:crypto';
import { spawn, fork, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, appendFileSync, existsSync } from 'node:fs';
import { cpus, setPriority, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { mintTestAccessToken } from '../packages/service-kit/src/testing/access-token.js';
import { ROOT } from '../scripts/composition.js';
import type { FromShard, ShardReport, ShardSubscriber, ToShard } from './chat-subscribers.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const STEPS = (args.get('subscribers') ?? '1000,2500,5000,10000').split(',').map(Number);
const RATE = Number(args.get('rate') ?? 50);
const SECONDS = Number(args.get('seconds') ?? 20);
const GATEWAYS = Number(args.get('gateways') ?? 1);
const DATA_DIR = join(ROOT, 'bench', '.data-chat');
const MAX_CLIENT_STALL_MS = Number(args.get('max-client-stall') ?? 100);
const PROFILE_DIR = args.get('profile') ? resolve(args.get('profile')!) : null;
/** Where to write each recorded step's messages one by one (sent, answered, first and last delivery, room size), as JSON lines. */
const TIMELINE_FILE = args.get('timeline') ? resolve(args.get('timeline')!) : null;
/** Subscribers per client process: each socket is an open file, and a process may have only so many. */
const PER_PROCESS = Number(args.get('per-process') ?? 10_000);
/** The clients' scheduling priority when pinned (nice: lower runs first; raising it needs the right to). */
const CLIENT_PRIORITY = Number(args.get('client-priority') ?? -5);

/** Cores for the clients and for the stack (null: any), or null when not pinning. */
function pinning(): { clients: string; stack: string | null } | null {
  const mode = args.get('pin') ?? 'auto';
  if (mode === 'off') return null;
  if (!['auto', 'clients', 'split', 'on'].includes(mode)) throw new Error(`--pin ${mode}: expected auto, clients, split or off`);
  let available = true;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    available = false;
  }
  if (!available) {
    if (mode !== 'auto') throw new Error(`--pin ${mode}: taskset (util-linux) is not available`);
    return null;
  }
  const count = cpus().length;
  if (count < 2) return null;
  return { clients: String(count - 1), stack: mode === 'split' ? (count === 2 ? '0' : `0-${count - 2}`) : null };
}
const PIN = pinning();
let clientPriorityRaised = false;

const key = generateKeyPairSync('ed25519').privateKey;
const KID = 'bench-key';

function log(line: string) {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Starts the stack and resolves with its gateway URLs once ready. */
async function startStack(): Promise<{ child: ChildProcess; urls: string[] }> {
  const node = [process.execPath, '--conditions=source', '--import', 'tsx', join(ROOT, 'scripts', 'start.ts')];
  // taskset execs the command: the child's pid is the stack's, and every process it starts inherits the cores.
  const [command, ...commandArgs] = PIN?.stack ? ['taskset', '-c', PIN.stack, ...node] : node;
  const profiling = PROFILE_DIR
    ? {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(ROOT, 'bench', 'cpu-profile.cjs')}`.trim(),
        CPU_PROFILE_DIR: PROFILE_DIR,
        CPU_PROFILE_MATCH: '(gateway|subgraphs/community)/dist/index\\.js$',
      }
    : {};
  const child = spawn(command!, commandArgs, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...profiling,
      DATA_DIR,
      SEED_SCALE: '5',
      GATEWAY_PORT: '0',
      SUBGRAPH_BASE_PORT: '0',
      GATEWAY_PROCESSES: String(GATEWAYS),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      JWT_KEY_ID: KID,
      WS_MAX_CONNECTIONS_PER_USER: '10',
      DATABASE_POOL_SIZE: '20',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready in [\d.]+ s: (.+)/.exec(output);
      if (match) resolve({ child, urls: match[1]!.trim().split(/\s+/) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      if (/error/i.test(chunk.toString())) process.stderr.write(chunk);
    });
    child.once('exit', (code) => reject(new Error(`the stack exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
}

function adminUrl(): string {
  const credentials = JSON.parse(readFileSync(join(DATA_DIR, 'postgres', 'credentials.json'), 'utf8')) as { user: string; password: string; port: number };
  return `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/academy`;
}

const tokenFor = (userId: string) => mintTestAccessToken({ userId, roles: ['LEARNER'], privateKey: key, keyId: KID, expiresAt: '2h' });

async function graphql<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
}

/**
 * One subscriber: a user, signed in. With more subscribers than seeded users, a user subscribes
 * again (in another room, on another socket): `key` tells the subscribers apart.
 */
interface Subscriber {
  key: string;
  id: string;
  token: string;
}

interface Room {
  id: string;
  members: Subscriber[];
  /** The room's last sequence before this run: subscriptions resume after it. */
  startSequence: number;
}

interface RoomState {
  id: string;
  lastMessage: { sequence: number } | null;
}

/** Rooms for `subscribers` users: about 30% in pairs, 40% in rooms of 20, 30% in rooms of 500. */
async function createRooms(url: string, users: Subscriber[]): Promise<Room[]> {
  const rooms: Room[] = [];
  let next = 0;
  const take = (count: number) => users.slice(next, (next += count));
  const plan: number[] = [];
  const total = users.length;
  for (let left = Math.round(total * 0.3); left >= 500; left -= 500) plan.push(500);
  for (let left = Math.round(total * 0.4); left >= 20; left -= 20) plan.push(20);
  while (plan.reduce((a, b) => a + b, 0) + 2 <= total) plan.push(2);
  for (const size of plan) {
    const members = take(size);
    const [owner, ...others] = members;
    const room =
      size === 2
        ? (await graphql<{ openDirectChat: RoomState }>(url, owner!.token, 'mutation($u: ID!) { openDirectChat(userId: $u) { id lastMessage { sequence } } }', { u: others[0]!.id })).openDirectChat
        : (await graphql<{ createChatRoom: RoomState }>(url, owner!.token, 'mutation($i: CreateChatRoomInput!) { createChatRoom(input: $i) { id lastMessage { sequence } } }', {
            i: { name: `bench ${size}`, kind: 'GROUP', memberIds: others.map((m) => m.id) },
          })).createChatRoom;
    // Direct rooms are one per pair and outlive a run: earlier runs' messages are not this run's.
    rooms.push({ id: room.id, members, startSequence: room.lastMessage?.sequence ?? 0 });
  }
  return rooms;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** CPU seconds used so far by each process of the stack (and this one), by pid, with a short name. */
function cpuSeconds(stackPid: number): Map<number, { name: string; seconds: number }> {
  const table = execFileSync('ps', ['-eo', 'pid,ppid,args'], { encoding: 'utf8' }).split('\n').slice(1);
  const rows = table.map((line) => line.trim().split(/\s+/)).filter((f) => f.length >= 3);
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(Number(ppid), [...(children.get(Number(ppid)) ?? []), Number(pid)]);
  const tree = new Set<number>([process.pid]);
  const walk = (pid: number) => {
    tree.add(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(stackPid);
  const used = new Map<number, { name: string; seconds: number }>();
  for (const [pid, , ...rest] of rows) {
    if (!tree.has(Number(pid))) continue;
    let seconds = 0;
    try {
      // utime and stime, in clock ticks (100 per second), after the command name's closing parenthesis.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      seconds = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      continue; // exited meanwhile
    }
    const args = rest.join(' ');
    const name =
      Number(pid) === process.pid ? 'bench clients' : /postgres/.test(args) ? 'postgres' : (/(gateway|subgraphs\/[a-z-]+)\/(src|dist)\/index/.exec(args)?.[1] ?? 'other');
    used.set(Number(pid), { name, seconds });
  }
  return used;
}

/**
 * CPU seconds used between two readings, by name. Only processes alive at both count: a
 * PostgreSQL backend that ended meanwhile (a pool closing an idle connection) took its
 * figures with it, and one that started meanwhile is counted from zero.
 */
function cpuUsedBetween(before: Map<number, { name: string; seconds: number }>, after: Map<number, { name: string; seconds: number }>): Map<string, number> {
  const used = new Map<string, number>();
  for (const [pid, { name, seconds }] of after) used.set(name, (used.get(name) ?? 0) + seconds - (before.get(pid)?.seconds ?? 0));
  return used;
}

/** Sends `signal` to the stack's gateway and community processes (bench/cpu-profile.cjs toggles on SIGUSR2). */
function signalProfiled(stackPid: number, signal: NodeJS.Signals): void {
  for (const [pid, { name }] of cpuSeconds(stackPid)) {
    if (name !== 'gateway' && name !== 'subgraphs/community') continue;
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

/**
 * The gateways' resident memory read from /proc (a file read, not a `ps` run: sampled every
 * second in the clients' process, a spawned `ps` blocked their event loop each time).
 */
function gatewayRssOf(pids: number[]): number {
  let bytes = 0;
  for (const pid of pids) {
    try {
      // statm: sizes in pages; the second is the resident set.
      bytes += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
    } catch {
      // exited meanwhile
    }
  }
  return bytes;
}

/** community's /metrics, found through the gateway's environment (the stack picks its ports). */
function communityMetricsUrl(gatewayPid: number): string | null {
  try {
    const environment = readFileSync(`/proc/${gatewayPid}/environ`, 'utf8').split('\0');
    const url = environment.find((entry) => entry.startsWith('COMMUNITY_URL='))?.slice('COMMUNITY_URL='.length);
    return url ? new URL('/metrics', url).toString() : null;
  } catch {
    return null;
  }
}

/** The cumulative buckets of community's delivery-lag histogram (seconds → count), summed over its labels. */
async function deliveryLagBuckets(url: string | null): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  if (!url) return buckets;
  try {
    const text = await (await fetch(url)).text();
    for (const match of text.matchAll(/^chat_message_delivery_lag_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)/gm)) {
      const le = match[1] === '+Inf' ? Infinity : Number(match[1]);
      buckets.set(le, (buckets.get(le) ?? 0) + Number(match[2]));
    }
  } catch {
    // not reachable: no figure
  }
  return buckets;
}

/**
 * The server's own part, from community's histogram between two readings: the bucket bound under
 * which p50 and p99 of the messages were handed to their subscribers' streams, counted from the
 * sending transaction's start (so: the mutation, its commit, the announcement and the membership check).
 */
function lagPercentiles(before: Map<number, number>, after: Map<number, number>): { count: number; p50: string; p99: string } | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const count = counts.at(-1) ?? 0;
  if (count === 0) return null;
  const at = (p: number) => {
    const i = counts.findIndex((c) => c >= (p / 100) * count);
    const le = bounds[i]!;
    return le === Infinity ? `> ${bounds[i - 1]! * 1000} ms` : `≤ ${le * 1000} ms`;
  };
  return { count, p50: at(50), p99: at(99) };
}

function gatewayRss(stackPid: number): number {
  const table = execFileSync('ps', ['-eo', 'pid,ppid,rss,args'], { encoding: 'utf8' }).split('\n').slice(1);
  const children = new Map<number, number[]>();
  const rows = table.map((line) => line.trim().split(/\s+/)).filter((f) => f.length >= 4);
  for (const [pid, ppid] of rows) children.set(Number(ppid), [...(children.get(Number(ppid)) ?? []), Number(pid)]);
  const tree = new Set<number>();
  const walk = (pid: number) => {
    tree.add(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(stackPid);
  return rows
    .filter(([pid, , , ...rest]) => tree.has(Number(pid)) && /gateway\/(src\/index.ts|dist\/index.js)/.test(rest.join(' ')))
    .reduce((sum, [, , rss]) => sum + Number(rss) * 1024, 0);
}

/** A process of subscribers (bench/chat-subscribers.ts), with its latest status. */
interface Shard {
  child: ChildProcess;
  status: { held: number; closed: number; deliveries: number };
  /** Opens the process's measuring window; resolves once it is open. */
  measure(): Promise<void>;
  report(): Promise<ShardReport>;
  dispose(): Promise<void>;
}

/** Forks ceil(n / PER_PROCESS) subscriber processes and hands each its share of `subscribers`. */
async function startShards(subscribers: ShardSubscriber[]): Promise<Shard[]> {
  const count = Math.max(1, Math.ceil(subscribers.length / PER_PROCESS));
  return Array.from({ length: count }, (_, i) => {
    // Same runtime flags as this process (tsx, the collector's settings, gc exposed); the
    // clients' core and priority are inherited.
    const child = fork(join(ROOT, 'bench', 'chat-subscribers.ts'), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const shard: Shard = {
      child,
      status: { held: 0, closed: 0, deliveries: 0 },
      measure: () =>
        new Promise((resolve, reject) => {
          const onMessage = (message: FromShard) => {
            if (message.type !== 'measuring') return;
            child.off('message', onMessage);
            resolve();
          };
          child.on('message', onMessage);
          child.once('exit', (code) => reject(new Error(`subscriber process ${i + 1} exited (${code}) before measuring`)));
          child.send({ type: 'measure' } satisfies ToShard);
        }),
      report: () =>
        new Promise((resolve, reject) => {
          const onMessage = (message: FromShard) => {
            if (message.type !== 'report') return;
            child.off('message', onMessage);
            resolve(message.report);
          };
          child.on('message', onMessage);
          child.once('exit', (code) => reject(new Error(`subscriber process ${i + 1} exited (${code}) before reporting`)));
          child.send({ type: 'stop' } satisfies ToShard);
        }),
      dispose: () =>
        new Promise((resolve) => {
          child.once('exit', () => resolve());
          child.send({ type: 'dispose' } satisfies ToShard);
        }),
    };
    child.on('message', (message: FromShard) => {
      if (message.type === 'status') shard.status = { held: message.held, closed: message.closed, deliveries: message.deliveries };
    });
    // Every count-th subscriber: rooms take consecutive subscribers, so each process gets its
    // share of the large rooms (and of the deliveries) rather than one process all of them.
    child.send({ type: 'start', subscribers: subscribers.filter((_, j) => j % count === i) } satisfies ToShard);
    return shard;
  });
}

interface StepResult {
  subscribers: number;
  held: number;
  sent: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  p50: number;
  p95: number;
  p99: number;
  gatewayIdleMb: number;
  gatewayPeakMb: number;
  /** From a send to the mutation's answer (its commit), p50 and p99. */
  sendAnswerP50: number;
  sendAnswerP99: number;
  /** Per message: from its first delivery to its last (the fan-out to its room), p50 and p99. */
  spreadP50: number;
  spreadP99: number;
  /** The clients' (this process's) CPU seconds while sending and settling. */
  clientCpuSeconds: number;
  clientStallMs: number;
  /** False when the clients stalled beyond --max-client-stall: their own delay is in the figures. */
  kept: boolean;
}

async function runStep(urls: string[], stackPid: number, users: Subscriber[], count: number, seconds = SECONDS, recorded = true): Promise<StepResult> {
  const url = urls[0]!;
  // Each user once, then again in other rooms (rooms take consecutive subscribers, so a user
  // is never twice in one room while a room is smaller than the users seeded).
  const chosen: Subscriber[] = Array.from({ length: count }, (_, i) => {
    const user = users[i % users.length]!;
    return { ...user, key: i < users.length ? user.id : `${user.id}#${Math.floor(i / users.length)}` };
  });
  log(`${count} subscribers: creating rooms`);
  const rooms = await createRooms(url, chosen);
  const roomOf = new Map<string, Room>();
  for (const room of rooms) for (const member of room.members) roomOf.set(member.key, room);

  const sendAnswers: number[] = [];
  /** Per message number: when it was sent and answered (epoch ms), and its room's size. */
  const timeline: { n: number; sentAt: number; answeredAt?: number; members: number }[] = [];
  // The subscribers, PER_PROCESS at most in each process of their own (bench/chat-subscribers.ts).
  log(`${count} subscribers: connecting`);
  const connectStarted = Date.now();
  const subscribed = chosen.filter((u) => roomOf.has(u.key));
  const shards = await startShards(
    subscribed.map((user, i) => {
      const room = roomOf.get(user.key)!;
      return { key: user.key, token: user.token, url: urls[i % urls.length]!, roomId: room.id, afterSequence: room.startSequence };
    }),
  );
  const held = () => shards.reduce((sum, shard) => sum + shard.status.held, 0);
  const closedSoFar = () => shards.reduce((sum, shard) => sum + shard.status.closed, 0);
  const deliveriesSoFar = () => shards.reduce((sum, shard) => sum + shard.status.deliveries, 0);
  // Every socket acknowledged (or 120 s), then a moment for the last subscriptions to go live.
  const connecting = Date.now();
  while (held() + closedSoFar() < subscribed.length && Date.now() - connecting < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const connectSeconds = (Date.now() - connectStarted) / 1000;
  const heldAtStart = held();
  const idle = gatewayRss(stackPid);
  log(`${count} subscribers: ${heldAtStart} connected in ${connectSeconds.toFixed(1)} s over ${shards.length} client process(es); gateway ${Math.round(idle / 2 ** 20)} MB; closed so far: ${closedSoFar()}; sending ${RATE}/s for ${seconds} s`);

  let peak = idle;
  const cpuBefore = cpuSeconds(stackPid);
  const gatewayPids = [...cpuBefore].filter(([, { name }]) => name === 'gateway').map(([pid]) => pid);
  const metricsUrl = gatewayPids[0] === undefined ? null : communityMetricsUrl(gatewayPids[0]);
  const lagBefore = await deliveryLagBuckets(metricsUrl);
  if (PROFILE_DIR && recorded) signalProfiled(stackPid, 'SIGUSR2');
  // The subscriber processes measure latency when their own event loop gets to a message: their
  // stalls (garbage collection, thousands of sockets' worth) count in the figures. Shown, to tell
  // them apart. The bench's own blocking steps (reading the processes' CPU) stay outside this window.
  // Each opens its window after collecting its set-up's garbage; sending starts once all have.
  await Promise.all(shards.map((shard) => shard.measure()));
  // The sender's (this process's) loop: a stall here delays sends, not the latencies (each message
  // carries the time it was sent), but shows in the send's answer time.
  const senderLoop = monitorEventLoopDelay({ resolution: 10 });
  senderLoop.enable();
  const senderCpuBefore = process.cpuUsage();
  const sampler = setInterval(() => (peak = Math.max(peak, gatewayRssOf(gatewayPids))), 1000);
  let sent = 0;
  const sentTo: Room[] = [];
  const started = Date.now();
  const sends: Promise<void>[] = [];
  for (let n = 0; n < RATE * seconds; n++) {
    const due = started + (n * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Rooms are picked in proportion to their members, like traffic from their members.
    const sender = subscribed[Math.floor(Math.random() * subscribed.length)]!;
    const room = roomOf.get(sender.key)!;
    const sentAt = Date.now();
    const record: (typeof timeline)[number] = { n, sentAt, members: room.members.length };
    timeline.push(record);
    const content = JSON.stringify({ t: sentAt, n });
    sends.push(
      graphql(urls[n % urls.length]!, sender.token, 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { sequence } }', { r: room.id, c: content }).then(
        () => {
          record.answeredAt = Date.now();
          sendAnswers.push(record.answeredAt - sentAt);
          sent += 1;
          sentTo.push(room);
        },
        (error: unknown) => log(`send failed: ${(error as Error).message}`),
      ),
    );
  }
  await Promise.all(sends);
  // Count only once deliveries stop arriving (10 s without one, 120 s at most): late is not lost.
  const sendsDone = Date.now();
  // Epoch milliseconds, to line other records (bench/gc-log.cjs) up with the window.
  log(`${count} subscribers: sending window ${started}..${sendsDone} (epoch ms)`);
  for (let last = -1, quiet = 0; quiet < 10 && Date.now() - sendsDone < 120_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = deliveriesSoFar();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  log(`${count} subscribers: deliveries settled ${((Date.now() - sendsDone) / 1000).toFixed(1)} s after the last send`);
  clearInterval(sampler);
  senderLoop.disable();
  const senderCpu = process.cpuUsage(senderCpuBefore);
  const reports = await Promise.all(shards.map((shard) => shard.report()));
  if (PROFILE_DIR && recorded) signalProfiled(stackPid, 'SIGUSR2');
  const lag = lagPercentiles(lagBefore, await deliveryLagBuckets(metricsUrl));
  log(
    lag
      ? `${count} subscribers: community handed ${lag.count} messages to their streams (from the sending transaction's start): p50 ${lag.p50}, p99 ${lag.p99}`
      : `${count} subscribers: community's delivery-lag histogram could not be read`,
  );
  const cpuAfter = cpuSeconds(stackPid);
  const cpuUsed = [...cpuUsedBetween(cpuBefore, cpuAfter)].map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`).join(', ');
  log(`${count} subscribers: CPU while sending and settling: ${cpuUsed}`);
  const errors = new Map<string, number>();
  for (const report of reports) for (const [what, times] of report.errors) errors.set(what, (errors.get(what) ?? 0) + times);
  if (errors.size) log(`${count} subscribers: errors ${JSON.stringify(Object.fromEntries(errors))}`);
  const closeCodes = new Map<number, number>();
  for (const report of reports) for (const [code, times] of report.closeCodes) closeCodes.set(code, (closeCodes.get(code) ?? 0) + times);
  if (closeCodes.size) log(`${count} subscribers: sockets closed: ${JSON.stringify(Object.fromEntries(closeCodes))}`);
  const clientCpuSeconds = Math.round((reports.reduce((sum, r) => sum + r.cpuSeconds, 0) + (senderCpu.user + senderCpu.system) / 1e6) * 100) / 100;
  const clientStallMs = Math.max(...reports.map((r) => r.stallMs));
  const kept = clientStallMs <= MAX_CLIENT_STALL_MS;
  reports.forEach((r, i) =>
    log(
      `${count} subscribers: subscriber process ${i + 1} of ${reports.length}: event loop delay p99 ${r.loopDelayP99Ms} ms, max ${r.stallMs} ms, CPU ${r.cpuSeconds} s; ${r.gc.count} garbage collections, ${r.gc.totalMs} ms in all, the longest ${r.gc.longestMs} ms`,
    ),
  );
  log(
    `${count} subscribers: the sender's event loop: max ${Math.round(senderLoop.max / 1e6)} ms, CPU ${((senderCpu.user + senderCpu.system) / 1e6).toFixed(2)} s` +
      (kept ? '' : ` — DISCARDED: a subscriber process stalled longer than ${MAX_CLIENT_STALL_MS} ms (--max-client-stall), so its own delay is in the latencies`),
  );
  // A message's first and last delivery over every subscriber process.
  const firstDelivery = new Map<number, number>();
  const lastDelivery = new Map<number, number>();
  for (const report of reports) {
    for (const [n, at] of report.first) firstDelivery.set(n, Math.min(at, firstDelivery.get(n) ?? Infinity));
    for (const [n, at] of report.last) lastDelivery.set(n, Math.max(at, lastDelivery.get(n) ?? -Infinity));
  }
  if (TIMELINE_FILE && recorded) {
    const lines = timeline.map((m) => JSON.stringify({ ...m, first: firstDelivery.get(m.n) ?? null, last: lastDelivery.get(m.n) ?? null, subscribers: count }));
    appendFileSync(TIMELINE_FILE, lines.join('\n') + '\n');
  }
  const spreads = [...lastDelivery].map(([n, last]) => last - firstDelivery.get(n)!).sort((a, b) => a - b);
  const answers = sendAnswers.sort((a, b) => a - b);
  log(
    `${count} subscribers: send → answer (commit) p50 ${percentile(answers, 50)} ms, p99 ${percentile(answers, 99)} ms; ` +
      `first → last delivery of a message p50 ${percentile(spreads, 50)} ms, p99 ${percentile(spreads, 99)} ms`,
  );
  // Deliveries due: each stored message to every member of its room whose socket got in (replay
  // covers a late start); a socket that never got in is in the close codes, not lost.
  const acknowledged = new Set(reports.flatMap((r) => r.acknowledged));
  const expected = sentTo.reduce((sum, room) => sum + room.members.filter((m) => acknowledged.has(m.key)).length, 0);
  const delivered = reports.reduce((sum, r) => sum + r.delivered, 0);
  const duplicated = reports.reduce((sum, r) => sum + r.duplicated, 0);
  await Promise.all(shards.map((shard) => shard.dispose()));
  const latencies = reports.flatMap((r) => r.latencies);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    subscribers: count,
    held: heldAtStart,
    sent,
    expected,
    delivered,
    lost: expected - delivered,
    duplicated,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    gatewayIdleMb: Math.round(idle / 1024 / 1024),
    gatewayPeakMb: Math.round(peak / 1024 / 1024),
    sendAnswerP50: percentile(answers, 50),
    sendAnswerP99: percentile(answers, 99),
    spreadP50: percentile(spreads, 50),
    spreadP99: percentile(spreads, 99),
    clientCpuSeconds,
    clientStallMs,
    kept,
  };
}

async function main() {
  log('starting the stack (first run seeds 10,000 users)');
  const { child, urls } = await startStack();
  if (PIN) {
    // Every thread of this process (libuv's pool, the garbage collector's helpers) on the clients' core.
    execFileSync('taskset', ['-a', '-p', '-c', PIN.clients, String(process.pid)], { stdio: 'ignore' });
    let raised = false;
    try {
      // Above the stack's priority, so the clients take a delivery when it arrives (needs the right to raise it).
      setPriority(process.pid, CLIENT_PRIORITY);
      raised = true;
    } catch {
      // not allowed: pinned only
    }
    log(`clients pinned to core ${PIN.clients}${raised ? ` at priority ${CLIENT_PRIORITY}` : ''}, the stack on ${PIN.stack ?? 'every core'} (taskset)`);
    clientPriorityRaised = raised;
  }
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('SIGINT', () => {
    stop();
    process.exit(130);
  });
  const results: StepResult[] = [];
  try {
    const db = new pg.Client({ connectionString: adminUrl() });
    await db.connect();
    const max = Math.max(...STEPS);
    // Fresh rooms per run: earlier runs' rooms stay, but every step makes its own.
    const { rows } = await db.query<{ id: string }>('SELECT id FROM identity.users ORDER BY id LIMIT $1', [max]);
    await db.end();
    if (rows.length < Math.min(max, 1000)) throw new Error(`only ${rows.length} users; the bench needs ${Math.min(max, 1000)}`);
    // More subscribers than users: some users subscribe twice (two sockets, two rooms), within WS_MAX_CONNECTIONS_PER_USER.
    if (rows.length < max) log(`${rows.length} users for up to ${max} subscribers: some users subscribe on ${Math.ceil(max / rows.length)} sockets`);
    const users = await Promise.all(rows.map(async ({ id }) => ({ id, key: id, token: await tokenFor(id) })));
    // A first, unrecorded round: the first messages through fresh processes (code not yet
    // optimised, connections not yet open) would otherwise land in the first step's tail.
    log('warming up (500 subscribers, 5 s; not recorded)');
    await runStep(urls, child.pid!, users, Math.min(500, max), 5, false);
    for (const step of STEPS) {
      const result = await runStep(urls, child.pid!, users, step);
      results.push(result);
      log(JSON.stringify(result));
    }
  } finally {
    stop();
  }
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const table = [
    `### Live chat subscriptions, ${new Date().toISOString().slice(0, 10)}`,
    '',
    // The options that change what is measured, as given (the stack's heap among them).
    `Command: \`${process.env.SERVICE_HEAP_MB ? `SERVICE_HEAP_MB=${process.env.SERVICE_HEAP_MB} ` : ''}pnpm bench:chat --subscribers ${STEPS.join(',')} --rate ${RATE} --seconds ${SECONDS} --gateways ${GATEWAYS}` +
      `${args.has('per-process') ? ` --per-process ${PER_PROCESS}` : ''}${args.has('pin') ? ` --pin ${args.get('pin')}` : ''}${args.has('client-priority') ? ` --client-priority ${CLIENT_PRIORITY}` : ''}${args.has('max-client-stall') ? ` --max-client-stall ${MAX_CLIENT_STALL_MS}` : ''}${PROFILE_DIR ? ' --profile <dir>' : ''}\``,
    `Machine: ${machine}. ` +
      (PIN
        ? `The sender and the subscriber processes (at most ${PER_PROCESS} subscribers each) ran on core ${PIN.clients}${clientPriorityRaised ? ` at priority ${CLIENT_PRIORITY}` : ''}, the whole stack on ${PIN.stack === null ? 'every core' : `core ${PIN.stack}`} (taskset).`
        : `The sender, the subscriber processes (at most ${PER_PROCESS} subscribers each) and the whole stack share this machine.`),
    `A step whose subscriber processes' event loop stalled longer than ${MAX_CLIENT_STALL_MS} ms is marked discarded: its latencies include their own delay. Client CPU: the sender's and the subscriber processes' together.`,
    '',
    '| subscribers | held | messages sent | deliveries expected | delivered | lost | duplicated | p50 ms | p95 ms | p99 ms | send answered p99 ms | first→last delivery p99 ms | gateway RSS idle MB | gateway peak RSS MB | client CPU s | client longest stall ms | kept |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.subscribers} | ${r.held} | ${r.sent} | ${r.expected} | ${r.delivered} | ${r.lost} | ${r.duplicated} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.sendAnswerP99} | ${r.spreadP99} | ${r.gatewayIdleMb} | ${r.gatewayPeakMb} | ${r.clientCpuSeconds} | ${r.clientStallMs} | ${r.kept ? 'yes' : 'discarded'} |`,
    ),
    '',
  ].join('\n');
  console.log(table);
  const file = join(ROOT, 'BENCHMARKS.md');
  if (!existsSync(file)) appendFileSync(file, '# Benchmarks\n\nMeasured on purpose (never in the tests). Newest results last.\n\n');
  appendFileSync(file, `${table}\n`);
}

await main();
