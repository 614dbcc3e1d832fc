// One process of bench/chat-subscriptions.ts's subscribers: it holds its share of the graphql-ws
// sockets, records every delivery, and reports to the bench over the IPC channel it was forked
// with. The subscribers are spread over such processes because one process may hold at most as
// many sockets as its open-file limit allows (20,000 on some machines), and so that each
// process's own stalls can be seen apart.
//
// Messages (bench → this process): start { subscribers }, measure, stop, dispose.
// Messages (this process → bench): status { held, closed, deliveries } every 250 ms, measuring
// once the window is open (after the set-up's garbage is collected), report { ... } after stop,
// and disposed.
import { createClient, type Client } from 'graphql-ws';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import WebSocket from 'ws';

/** A subscriber as the bench hands it over: who, on which gateway, in which room, from where. */
export interface ShardSubscriber {
  key: string;
  token: string;
  url: string;
  roomId: string;
  afterSequence: number;
}

export type ToShard = { type: 'start'; subscribers: ShardSubscriber[] } | { type: 'measure' } | { type: 'stop' } | { type: 'dispose' };

export interface ShardReport {
  /** Delivery latencies (ms from the send to the delivery), unsorted. */
  latencies: number[];
  /** Per message number: its first and last delivery here (epoch ms). */
  first: [number, number][];
  last: [number, number][];
  /** Distinct (subscriber, sequence) pairs received, and receipts beyond the first. */
  delivered: number;
  duplicated: number;
  /** Every subscriber whose socket was acknowledged at some point. */
  acknowledged: string[];
  closeCodes: [number, number][];
  errors: [string, number][];
  cpuSeconds: number;
  stallMs: number;
  loopDelayP99Ms: number;
  gc: { count: number; totalMs: number; longestMs: number };
}

export type FromShard =
  | { type: 'status'; held: number; closed: number; deliveries: number }
  | { type: 'measuring' }
  | { type: 'report'; report: ShardReport }
  | { type: 'disposed' };

function send(message: FromShard): void {
  process.send!(message);
}

const latencies: number[] = [];
const firstDelivery = new Map<number, number>();
const lastDelivery = new Map<number, number>();
// Per subscriber: sequence → times received (small maps: one big map's rehashing stalls the loop).
const seen = new Map<string, Map<number, number>>();
const acknowledged = new Set<string>();
const connected = new Set<string>();
const closeCodes = new Map<number, number>();
const errors = new Map<string, number>();
const clients: Client[] = [];
let closed = 0;
const noteError = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);

function subscribe(subscriber: ShardSubscriber): void {
  const client = createClient({
    url: subscriber.url.replace('http://', 'ws://'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${subscriber.token}` },
    retryAttempts: 0,
    lazy: false,
    on: {
      connected: () => {
        connected.add(subscriber.key);
        acknowledged.add(subscriber.key);
      },
      closed: (event) => {
        connected.delete(subscriber.key);
        closed += 1;
        const code = (event as { code?: number }).code ?? 0;
        closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
      },
    },
  });
  clients.push(client);
  client.subscribe<{ messageAdded: { sequence: number; content: string } }>(
    // Resuming after the room's last sequence: every message of the run is due to every
    // subscriber, whenever its subscription goes live (graphql-ws does not acknowledge subscriptions).
    {
      query: 'subscription($r: ID!, $after: Int) { messageAdded(roomId: $r, afterSequence: $after) { sequence content sender { displayName } } }',
      variables: { r: subscriber.roomId, after: subscriber.afterSequence },
    },
    {
      next: ({ data, errors: eventErrors }) => {
        for (const e of eventErrors ?? []) noteError(`event: ${e.message}`);
        if (!data) return;
        const { t, n } = JSON.parse(data.messageAdded.content) as { t: number; n: number };
        const now = Date.now();
        latencies.push(now - Number(t));
        if (!firstDelivery.has(n)) firstDelivery.set(n, now);
        lastDelivery.set(n, now);
        let times = seen.get(subscriber.key);
        if (!times) seen.set(subscriber.key, (times = new Map()));
        times.set(data.messageAdded.sequence, (times.get(data.messageAdded.sequence) ?? 0) + 1);
      },
      error: (error) => noteError(`subscription: ${Array.isArray(error) ? error.map((e) => e.message).join('; ') : String((error as Error)?.message ?? (error as { code?: number })?.code ?? error)}`),
      complete: () => noteError('completed early'),
    },
  );
}

async function start(subscribers: ShardSubscriber[]): Promise<void> {
  // 250 at a time, a pause between: the gateway's handshakes stay a steady trickle.
  for (let i = 0; i < subscribers.length; i += 250) {
    for (const subscriber of subscribers.slice(i, i + 250)) subscribe(subscriber);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let measuring: { loop: ReturnType<typeof monitorEventLoopDelay>; gcWatch: PerformanceObserver; gc: ShardReport['gc']; cpu: NodeJS.CpuUsage } | null = null;

function measure(): void {
  // The connections' set-up left garbage behind: collected now, before the bench sends anything
  // (a full collection of ten thousand sockets' heap takes a few hundred milliseconds, and every
  // delivery arriving meanwhile would wait for it).
  (globalThis as { gc?: () => void }).gc?.();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const gc = { count: 0, totalMs: 0, longestMs: 0 };
  const gcWatch = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.totalMs += entry.duration;
      gc.longestMs = Math.max(gc.longestMs, entry.duration);
    }
  });
  gcWatch.observe({ entryTypes: ['gc'] });
  measuring = { loop, gcWatch, gc, cpu: process.cpuUsage() };
  send({ type: 'measuring' });
}

function report(): ShardReport {
  const window = measuring;
  measuring = null;
  window?.loop.disable();
  window?.gcWatch.disconnect();
  const cpu = window ? process.cpuUsage(window.cpu) : { user: 0, system: 0 };
  const received = [...seen.values()].flatMap((times) => [...times.values()]);
  return {
    latencies,
    first: [...firstDelivery],
    last: [...lastDelivery],
    delivered: received.filter((times) => times >= 1).length,
    duplicated: received.reduce((sum, times) => sum + Math.max(0, times - 1), 0),
    acknowledged: [...acknowledged],
    closeCodes: [...closeCodes],
    errors: [...errors],
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    stallMs: window ? Math.round(window.loop.max / 1e6) : 0,
    loopDelayP99Ms: window ? Math.round(window.loop.percentile(99) / 1e6) : 0,
    gc: { count: window?.gc.count ?? 0, totalMs: Math.round(window?.gc.totalMs ?? 0), longestMs: Math.round(window?.gc.longestMs ?? 0) },
  };
}

const status = setInterval(() => send({ type: 'status', held: connected.size, closed, deliveries: latencies.length }), 250);

process.on('message', (message: ToShard) => {
  switch (message.type) {
    case 'start':
      void start(message.subscribers);
      break;
    case 'measure':
      measure();
      break;
    case 'stop':
      send({ type: 'report', report: report() });
      break;
    case 'dispose':
      clearInterval(status);
      void Promise.all(clients.map((client) => client.dispose())).then(() => {
        send({ type: 'disposed' });
        process.disconnect();
      });
      break;
  }
});
// The bench gone (ended or killed): nothing left to report to.
process.on('disconnect', () => process.exit(0));
