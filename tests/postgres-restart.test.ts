// PostgreSQL killed (SIGKILL) under a mixed read/write load, in the stack `pnpm start` runs on
// an embedded PostgreSQL of its own (whatever DATABASE_URL says): every acknowledged write is
// there afterwards, a live chat stream resumed with afterSequence has no gap and no repeat,
// every answer meanwhile is complete or a retryable SERVICE_UNAVAILABLE (never an internal
// error), the supervisor starts PostgreSQL again, and every service answers again without
// having been restarted. The times are measured and printed, not asserted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, type Client } from 'graphql-ws';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import WebSocket from 'ws';
import { ErrorCode } from '@academy/service-kit';
import { postmasterPid, processTree } from './support/process-tree.js';
import { startOwnStack, type OwnStack, type StartedCommand } from './support/start-command.js';

const CATALOGUE = '{ courses(first: 10) { totalCount edges { node { title author { displayName } price { formatted } upcomingSessions { startsAt } } } } }';
const MESSAGE_ADDED = 'subscription($roomId: ID!, $after: Int) { messageAdded(roomId: $roomId, afterSequence: $after) { sequence content sender { displayName } } }';

let stack: OwnStack | undefined;
let dataDir: string;
let started: StartedCommand | undefined;

interface Answer {
  status: number;
  codes: string[];
  messages?: string[];
  retryAfter?: string | null;
  data: Record<string, any> | null;
}

async function post(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Answer> {
  try {
    const response = await fetch(started!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string } }[] };
    return { status: response.status, codes: (body.errors ?? []).map((e) => e.extensions?.code ?? 'none'), messages: (body.errors ?? []).map((e) => e.message), retryAfter: response.headers.get('retry-after'), data: body.data ?? null };
  } catch (error) {
    return { status: 0, codes: [`no answer: ${(error as Error).message}`], data: null };
  }
}

async function signUp(name: string): Promise<{ id: string; token: string }> {
  const answer = await post('mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }', {
    input: { email: `${name}.${Date.now()}@example.test`, password: 'a long enough passphrase 1', firstName: name, lastName: 'Tester' },
  });
  if (answer.codes.length) throw new Error(`signUp: ${answer.codes.join(', ')}: ${answer.messages?.join('; ')}`);
  return { id: answer.data!.signUp.user.id, token: answer.data!.signUp.accessToken };
}

/** Each service's pid by the compiled entry it runs. */
function servicePids(): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const pid of processTree(started!.child.pid!)) {
    stack!.seen.add(pid);
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const service = /(?:subgraphs\/([a-z-]+)|(gateway))\/dist\/index\.js/.exec(command);
    if (service) pids[service[1] ?? service[2]!] = pid;
  }
  return pids;
}

/**
 * A chat reader as a client should be written: keeps the last sequence it saw and, after any
 * error or end, subscribes again with it.
 */
function resumingReader(token: string, roomId: string) {
  const sequences: number[] = [];
  const errorCodes: string[] = [];
  let stopped = false;
  let client: Client | undefined;
  const subscribeOnce = () =>
    new Promise<void>((resolve) => {
      client = createClient({ url: started!.url.replace('http://', 'ws://'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
      const after = sequences.at(-1) ?? 0;
      client.subscribe<{ messageAdded: { sequence: number } }>(
        { query: MESSAGE_ADDED, variables: { roomId, after } },
        {
          next: (result) => {
            for (const error of result.errors ?? []) errorCodes.push(String(error.extensions?.code ?? 'none'));
            if (result.data) sequences.push(result.data.messageAdded.sequence);
          },
          error: (error) => {
            const errors = Array.isArray(error) ? (error as { extensions?: { code?: string } }[]) : [];
            for (const e of errors) errorCodes.push(String(e.extensions?.code ?? 'none'));
            resolve();
          },
          complete: () => resolve(),
        },
      );
    });
  const running = (async () => {
    while (!stopped) {
      await subscribeOnce();
      await client?.dispose();
      if (!stopped) await delay(200);
    }
  })();
  return {
    sequences,
    errorCodes,
    async stop() {
      stopped = true;
      await client?.dispose();
      await running;
    },
  };
}

beforeAll(async () => {
  stack = await startOwnStack('pg-restart');
  ({ dataDir, command: started } = stack);
}, 150_000);

afterAll(() => stack?.stop(), 60_000);

/** A superuser connection to the stack's embedded database. */
function adminClient(): pg.Client {
  const credentials = JSON.parse(readFileSync(join(dataDir, 'postgres', 'credentials.json'), 'utf8')) as { user: string; password: string; port: number };
  return new pg.Client({ connectionString: `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/academy` });
}

describe('the database going away under load', () => {
  it('loses no acknowledged write, resumes chat streams without gap or repeat, and serves again without restarting a service', async () => {
    const alice = await signUp('alice');
    const bob = await signUp('bob');
    const room = await post('mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }', { input: { name: 'Fault drill', kind: 'GROUP', memberIds: [bob.id] } }, alice.token);
    const roomId: string = room.data!.createChatRoom.id;
    const pidsBefore = servicePids();
    expect(Object.keys(pidsBefore)).toHaveLength(7);

    const reader = resumingReader(bob.token, roomId);
    const acknowledged = new Map<string, number>();
    const answers: Answer[] = [];
    let stopLoad = false;
    let sent = 0;
    const writer = (async () => {
      while (!stopLoad) {
        const clientMessageId = `m-${++sent}`;
        const answer = await post('mutation($r: ID!, $c: String!, $m: String) { sendMessage(roomId: $r, content: $c, clientMessageId: $m) { sequence } }', { r: roomId, c: `message ${sent}`, m: clientMessageId }, alice.token);
        answers.push(answer);
        if (answer.status === 200 && answer.codes.length === 0) acknowledged.set(clientMessageId, answer.data!.sendMessage.sequence);
        else await delay(50);
      }
    })();
    const readers = [0, 1].map(async () => {
      while (!stopLoad) {
        const answer = await post(CATALOGUE);
        answers.push(answer);
        if (answer.codes.length) await delay(50);
      }
    });

    const until = async (what: string, check: () => boolean, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await delay(20);
      }
    };
    await until('writes before the kill', () => acknowledged.size >= 20);
    const postmaster = postmasterPid(join(dataDir, 'postgres', 'cluster'))!;
    const answersBefore = answers.length;
    process.kill(postmaster, 'SIGKILL');
    const killedAt = performance.now();
    await until('PostgreSQL ready again', () => /^PostgreSQL ready again/m.test(started!.output()));
    const readyAt = performance.now();
    const ackedAtReady = acknowledged.size;
    const answeredAtReady = answers.length;
    await until('a complete answer after the restart', () => answers.slice(answeredAtReady).some((a) => a.status === 200 && a.codes.length === 0));
    const servingAt = performance.now();
    await until('writes after the restart', () => acknowledged.size >= ackedAtReady + 20);
    const writingAt = performance.now();
    stopLoad = true;
    await Promise.all([writer, ...readers]);
    const lastAcknowledged = Math.max(...acknowledged.values());
    await until('the stream to catch up', () => (reader.sequences.at(-1) ?? 0) >= lastAcknowledged);
    await reader.stop();
    process.stdout.write(`${started!.output().split('\n').filter((line) => /^(postgres |PostgreSQL )/.test(line)).slice(-6).join('\n')}\n`);

    const during = answers.slice(answersBefore);
    const failed = during.filter((a) => a.codes.length > 0);
    process.stdout.write(
      `PostgreSQL SIGKILLed: ready again after ${((readyAt - killedAt) / 1000).toFixed(2)} s; first complete answer ${((servingAt - readyAt) / 1000).toFixed(2)} s after that, ` +
        `20 more writes acknowledged ${((writingAt - readyAt) / 1000).toFixed(2)} s after it; ` +
        `${acknowledged.size} writes acknowledged of ${sent}; ${failed.length} of ${during.length} answers after the kill were SERVICE_UNAVAILABLE (${failed.filter((a) => a.status === 503).length} of them 503)\n`,
    );

    // Every answer was complete, or a retryable SERVICE_UNAVAILABLE; never internal, never another 5xx.
    expect([...new Set(answers.flatMap((a) => a.codes))].filter((code) => code !== ErrorCode.SERVICE_UNAVAILABLE)).toEqual([]);
    expect([...new Set(answers.map((a) => a.status))].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(reader.errorCodes.filter((code) => code !== ErrorCode.SERVICE_UNAVAILABLE)).toEqual([]);
    // A write refused while the database was away had nothing to answer with: a 503.
    expect(failed.some((a) => a.status === 503 && a.retryAfter === '2')).toBe(true);

    // Every acknowledged write is in the database, with the sequence it was acknowledged with.
    const admin = adminClient();
    await admin.connect();
    const { rows } = await admin.query<{ client_message_id: string; sequence: number }>('SELECT client_message_id, sequence FROM community.chat_messages WHERE room_id = $1', [roomId]);
    await admin.end();
    const stored = new Map(rows.map((r) => [r.client_message_id, Number(r.sequence)]));
    for (const [clientMessageId, sequence] of acknowledged) expect([clientMessageId, stored.get(clientMessageId)]).toEqual([clientMessageId, sequence]);

    // The stream: every stored message once, in order, across the outage.
    const expected = [...stored.values()].sort((a, b) => a - b);
    expect(reader.sequences).toEqual(expected);
    expect(expected).toEqual(expected.map((_, i) => i + 1));

    // No service was restarted: each survived the outage and serves again by itself.
    expect(servicePids()).toEqual(pidsBefore);
  }, 120_000);

  it("survives pg_terminate_backend of every subgraph's connections while requests are in flight", async () => {
    const pidsBefore = servicePids();
    const admin = adminClient();
    await admin.connect();
    const answers: Answer[] = [];
    let stopLoad = false;
    const load = [0, 1, 2, 3, 4, 5].map(async () => {
      while (!stopLoad) answers.push(await post(CATALOGUE));
    });
    let terminated = 0;
    try {
      for (let round = 0; round < 30; round++) {
        await delay(30);
        const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename LIKE 'academy\\_%' AND pid <> pg_backend_pid()");
        terminated += rowCount ?? 0;
      }
    } finally {
      stopLoad = true;
      await Promise.all(load);
    }
    // Then every service answers completely again, by itself.
    let complete: Answer | undefined;
    for (let attempt = 0; attempt < 100 && !complete; attempt++) {
      const answer = await post(CATALOGUE);
      if (answer.status === 200 && answer.codes.length === 0) complete = answer;
      else await delay(50);
    }
    await admin.end();
    const failed = answers.filter((a) => a.codes.length > 0);
    process.stdout.write(`pg_terminate_backend: ${terminated} connections ended in 30 rounds; ${failed.length} of ${answers.length} answers meanwhile were SERVICE_UNAVAILABLE\n`);

    expect(terminated).toBeGreaterThan(0);
    expect(complete).toBeDefined();
    expect([...new Set(answers.flatMap((a) => a.codes))].filter((code) => code !== ErrorCode.SERVICE_UNAVAILABLE)).toEqual([]);
    expect([...new Set(answers.map((a) => a.status))].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(started!.output()).not.toMatch(/Unhandled 'error' event/);
    expect(servicePids()).toEqual(pidsBefore);
  }, 60_000);
});
