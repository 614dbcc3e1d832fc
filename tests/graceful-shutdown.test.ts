import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloseCode } from '@academy/service-kit';
import { createTestDatabase, queryRows } from '@academy/service-kit/testing';
import { Agent, request } from 'node:http';
import pg from 'pg';
import { WebSocket } from 'ws';
import { startServiceProcess, waitUntil, type ServiceProcess } from './support/service-process.js';
import { startStack, type SubgraphName, type TestStack } from './support/stack.js';

// Every process stops the same way on SIGTERM: readiness answers 503, the listener closes
// after the shutdown delay, every request in flight is answered (with `Connection: close`),
// sockets close with GoingAway, workers stop at a checkpoint, and the process exits 0. The
// requests are kept in flight by a lock on the table they read, released only once the
// process has stopped accepting.

const COURSES = '{ courses(first: 1) { totalCount } }';
const IN_FLIGHT = 30;

interface Answer {
  status: number;
  connection: string | undefined;
  body: { data?: { courses?: { totalCount: number } }; errors?: unknown[] };
}

/** POSTs a GraphQL request over `agent` (keep-alive), with the answer's status and Connection header. */
function post(url: string, query: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: JSON.parse(text) as Answer['body'] }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

/** GETs /readyz: its status and body's status, or null when the connection is refused. */
async function readiness(graphqlUrl: string): Promise<{ status: number; state: string } | null> {
  try {
    const response = await fetch(graphqlUrl.replace('/graphql', '/readyz'), { headers: { connection: 'close' } });
    const body = (await response.json()) as { status: string };
    return { status: response.status, state: body.status };
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') return null;
    throw error;
  }
}

/** Holds an exclusive lock on `table` in a transaction of its own until `release`. */
async function lockTable(adminUrl: string, table: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

const lockWaiters = async (adminUrl: string) =>
  Number((await queryRows<{ n: string }>(adminUrl, "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))[0]!.n);

describe('graceful shutdown', () => {
  let stack: TestStack;
  const started: ServiceProcess[] = [];

  const gatewayEnv = (urls: Partial<Record<SubgraphName, string>>, extra: Record<string, string> = {}) => ({
    GATEWAY_SECRET: stack.gatewaySecret,
    PLAYGROUND: 'false',
    ...Object.fromEntries(
      (Object.keys(stack.subgraphs) as SubgraphName[]).map((name) => [`${name.toUpperCase().replaceAll('-', '_')}_URL`, urls[name] ?? stack.subgraphs[name].url]),
    ),
    ...extra,
  });
  // A pool large enough for every request in flight to wait on the lock at once.
  const learningEnv = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: stack.database.urlFor('academy_learning'),
    GATEWAY_SECRET: stack.gatewaySecret,
    DATABASE_POOL_SIZE: String(IN_FLIGHT + 5),
    ...extra,
  });
  const start = async (service: string, env: Record<string, string>) => {
    const process = await startServiceProcess(service, env);
    started.push(process);
    return process;
  };

  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);

  afterAll(async () => {
    for (const process of started) if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
    await stack?.stop();
  });

  it('the gateway answers every request in flight, refuses new connections, closes sockets with GoingAway and exits 0', async () => {
    const learning = await start('learning', learningEnv());
    const gateway = await start('gateway', gatewayEnv({ learning: learning.url }, { SHUTDOWN_DELAY_MS: '1000' }));
    expect(await readiness(gateway.url)).toEqual({ status: 200, state: 'ready' });

    // A WebSocket client, acknowledged, before the stop.
    const socket = new WebSocket(gateway.url.replace('http://', 'ws://'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      socket.once('message', () => resolve());
      socket.once('error', reject);
    });

    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const lock = await lockTable(stack.database.adminUrl, 'learning.courses');
    let answers: Promise<Answer[]>;
    try {
      answers = Promise.all(Array.from({ length: IN_FLIGHT }, () => post(gateway.url, COURSES, agent)));
      // Every request is in flight through the gateway, its statement in learning waiting on the lock.
      await waitUntil('every statement waits on the lock', async () => (await lockWaiters(stack.database.adminUrl)) >= IN_FLIGHT);

      gateway.child.kill('SIGTERM');
      await waitUntil('readiness answers 503 stopping', async () => (await readiness(gateway.url))?.state === 'stopping').catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\n${gateway.output().slice(-3000)}`);
      });
      expect(await closed).toBe(CloseCode.GoingAway);
      await waitUntil('new connections are refused', async () => (await readiness(gateway.url)) === null);
    } finally {
      await lock.release();
    }
    const all = await answers;
    expect(all.map((a) => a.status)).toEqual(Array(IN_FLIGHT).fill(200));
    expect(all.every((a) => a.body.errors === undefined && a.body.data?.courses?.totalCount !== undefined)).toBe(true);
    // Answers written once the stop began tell keep-alive clients the connection ends.
    expect(all.some((a) => a.connection === 'close')).toBe(true);
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    agent.destroy();
    learning.child.kill('SIGTERM');
    expect(await learning.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('a subgraph answers every request in flight, turns not ready, refuses new connections and exits 0', async () => {
    const learning = await start('learning', learningEnv({ SHUTDOWN_DELAY_MS: '1000' }));
    const gateway = await start('gateway', gatewayEnv({ learning: learning.url }));
    expect(await readiness(learning.url)).toEqual({ status: 200, state: 'ready' });

    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const lock = await lockTable(stack.database.adminUrl, 'learning.courses');
    let answers: Promise<Answer[]>;
    try {
      answers = Promise.all(Array.from({ length: IN_FLIGHT }, () => post(gateway.url, COURSES, agent)));
      // Every request is inside learning, its statement waiting on the lock.
      await waitUntil('every statement waits on the lock', async () => (await lockWaiters(stack.database.adminUrl)) >= IN_FLIGHT);

      learning.child.kill('SIGTERM');
      await waitUntil('readiness answers 503 stopping', async () => (await readiness(learning.url))?.state === 'stopping');
      await waitUntil('new connections are refused', async () => (await readiness(learning.url)) === null);
    } finally {
      await lock.release();
    }
    const all = await answers;
    expect(all.map((a) => a.status)).toEqual(Array(IN_FLIGHT).fill(200));
    expect(all.filter((a) => a.body.errors !== undefined)).toEqual([]);
    expect(await learning.exited).toEqual({ code: 0, signal: null });
    expect(learning.output()).toContain('"msg":"stopped"');
    agent.destroy();
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('an event consumer stops at a checkpoint, and restarted resumes without loss or duplicates', async () => {
    const EVENTS = 3000;
    // A database of its own: the stack's in-process ai-analytics would consume these events too.
    const database = await createTestDatabase();
    const admin = database.adminUrl;
    // learning's CourseCompleted events, which ai-analytics records one by one as analytics events.
    for (let i = 0; i < EVENTS; i += 500) {
      await queryRows(
        admin,
        `WITH appended AS (
           INSERT INTO learning.outbox (type, aggregate_id, payload)
           SELECT 'CourseCompleted', NULL, jsonb_build_object('enrollmentId', gen_random_uuid(), 'userId', gen_random_uuid(), 'courseId', gen_random_uuid())
           FROM generate_series(1, 500) RETURNING event_id)
         SELECT pg_notify('learning_outbox', '') FROM appended LIMIT 1`,
      );
    }
    const consumer = 'ai-analytics.learning-analytics';
    const processed = async () => Number((await queryRows<{ n: string }>(admin, 'SELECT count(*) AS n FROM ai_analytics.processed_events WHERE consumer = $1', [consumer]))[0]!.n);
    const env = { DATABASE_URL: database.urlFor('academy_ai_analytics'), GATEWAY_SECRET: stack.gatewaySecret };

    const first = await start('ai-analytics', env);
    await waitUntil('the consumer handled some events', async () => (await processed()) > 0);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });

    // Stopped at a checkpoint: exactly the events up to the saved position were handled.
    const atStop = await processed();
    const [checkpoint] = await queryRows<{ behind: string }>(
      admin,
      `SELECT count(*) AS behind FROM learning.outbox o, ai_analytics.event_checkpoints c
       WHERE c.consumer = $1 AND c.source = 'learning' AND (o.tx_id, o.id) <= (c.tx_id, c.last_id)`,
      [consumer],
    );
    expect(Number(checkpoint!.behind)).toBe(atStop);

    const second = await start('ai-analytics', env);
    await waitUntil('every event was handled', async () => (await processed()) === EVENTS);
    const [recorded] = await queryRows<{ rows: string; distinct: string }>(
      admin,
      `SELECT count(*) AS rows, count(DISTINCT source_event_id) AS distinct FROM ai_analytics.analytics_events
       WHERE source_event_id IN (SELECT event_id FROM learning.outbox WHERE type = 'CourseCompleted')`,
    );
    expect({ rows: Number(recorded!.rows), distinct: Number(recorded!.distinct) }).toEqual({ rows: EVENTS, distinct: EVENTS });
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    await database.drop();
  }, 180_000);
});
