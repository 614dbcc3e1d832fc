// A subgraph protects itself: an answer that nested lists would blow up (courses → sessions →
// course → sessions …) ends that request with RESOURCE_LIMIT_EXCEEDED, and the process, on a
// small heap as in production, keeps serving. Each subgraph here is a real process of its own.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { CALLER_HEADER, ErrorCode, signCallerToken } from '@academy/service-kit';
import { createTestDatabase, type TestDatabase } from '@academy/service-kit/testing';
import { REPO_ROOT } from './support/start-command.js';

const SESSIONS = 50;
/** 50 + 50² + 50³ + 50⁴ items: millions of objects, far past any heap of a few hundred MB. */
const NESTED = /* GraphQL */ `
  query($r: [_Any!]!) { _entities(representations: $r) { ... on Course {
    upcomingSessions(first: 50) { id course { upcomingSessions(first: 50) { id course {
      upcomingSessions(first: 50) { id course { upcomingSessions(first: 50) { id startsAt } } } } } } }
  } } }
`;
const SMALL = /* GraphQL */ `query($r: [_Any!]!) { _entities(representations: $r) { ... on Course { upcomingSessions(first: 3) { id } } } }`;

let database: TestDatabase;
const courseId = randomUUID();
const gatewaySecret = randomBytes(32).toString('base64url');
const children: ChildProcess[] = [];

interface RunningSubgraph {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** scheduling's index.ts as its own process on `heapMb` of heap, with `env` on top. */
async function startScheduling(heapMb: number, env: Record<string, string>): Promise<RunningSubgraph> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `--max-old-space-size=${heapMb}`, 'subgraphs/scheduling/src/index.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: database.urlFor('academy_scheduling'), GATEWAY_SECRET: gatewaySecret, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const check = () => {
      const match = /"port":(\d+).*"msg":"subgraph listening"/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stderr!.on('data', check);
    child.once('exit', (code, signal) => reject(new Error(`scheduling exited (${signal ?? code}) before listening:\n${output}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/graphql`, output: () => output };
}

async function request(url: string, query: string) {
  const caller = await signCallerToken({ viewer: null, clientAddress: '127.0.0.1', requestId: null }, gatewaySecret, 'scheduling');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CALLER_HEADER]: caller },
    body: JSON.stringify({ query, variables: { r: [{ __typename: 'Course', id: courseId }] } }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

beforeAll(async () => {
  database = await createTestDatabase();
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  await admin.query(
    `INSERT INTO scheduling.training_sessions (course_id, starts_at, ends_at, capacity)
     SELECT $1, now() + make_interval(days => n), now() + make_interval(days => n, hours => 2), 10 FROM generate_series(1, $2) AS n`,
    [courseId, SESSIONS],
  );
  await admin.end();
});

afterAll(async () => {
  for (const child of children) if (alive(child)) child.kill('SIGKILL');
  await database.drop();
});

describe('a subgraph on a small heap', () => {
  it('ends a request whose nested lists pass the answer limit, and keeps serving', async () => {
    const scheduling = await startScheduling(160, {});
    const big = await request(scheduling.url, NESTED);
    expect(big.status).toBe(200);
    expect(big.body.data).toBeNull();
    expect(big.body.errors).toHaveLength(1);
    expect(big.body.errors![0]!.extensions).toEqual({ code: ErrorCode.RESOURCE_LIMIT_EXCEEDED, limit: 'answerSize' });
    expect(big.body.errors![0]!.message).toMatch(/more than 50000 list items/);
    expect(alive(scheduling.child)).toBe(true);
    const small = await request(scheduling.url, SMALL);
    expect(small.body).toEqual({ data: { _entities: [{ upcomingSessions: [expect.anything(), expect.anything(), expect.anything()] }] } });
    // A client asking for too much is not a fault of the server.
    expect(scheduling.output()).not.toMatch(/"level":"error"/);
  }, 60_000);

  it('past its memory ceiling, ends the request building a large answer, not the process', async () => {
    // No item limit to speak of: only the heap watch stands between this answer and the heap limit.
    const scheduling = await startScheduling(160, { MAX_ANSWER_ITEMS: '100000000', MEMORY_CEILING_PERCENT: '50' });
    const big = await request(scheduling.url, NESTED);
    expect(big.body.data).toBeNull();
    expect(big.body.errors?.[0]?.extensions).toEqual({ code: ErrorCode.RESOURCE_LIMIT_EXCEEDED, limit: 'memory' });
    expect(alive(scheduling.child)).toBe(true);
    const small = await request(scheduling.url, SMALL);
    expect(small.body.errors).toBeUndefined();
    expect(alive(scheduling.child)).toBe(true);
  }, 60_000);

  it("has its statements cut off by its role's statement_timeout, answered as RESOURCE_LIMIT_EXCEEDED", async () => {
    const role = new pg.Client({ connectionString: database.urlFor('academy_scheduling') });
    await role.connect();
    const { rows } = await role.query<{ statement_timeout: string }>('SHOW statement_timeout');
    await role.end();
    expect(rows[0]?.statement_timeout).toBe('5s');

    const scheduling = await startScheduling(160, {});
    // A statement that waits on a lock held elsewhere runs until its timeout cuts it off.
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE scheduling.training_sessions IN ACCESS EXCLUSIVE MODE');
      const slow = await request(scheduling.url, SMALL);
      expect(slow.body.errors?.map((e) => e.extensions)).toEqual([{ code: ErrorCode.RESOURCE_LIMIT_EXCEEDED, limit: 'statementTimeout' }]);
    } finally {
      await admin.query('ROLLBACK');
      await admin.end();
    }
    expect((await request(scheduling.url, SMALL)).body.errors).toBeUndefined();
    expect(alive(scheduling.child)).toBe(true);
  }, 60_000);
});
