// A subgraph's fetch batches (POST /graphql/batch): each fetch of a batch is answered exactly as
// it would be alone (the subgraph's in-process `execute`, Apollo Server's pipeline, is the
// reference), with its own caller, refusal, access line and answer budget; what the direct path
// leaves to Apollo Server comes back marked `retry`, not run; a malformed batch runs nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CALLER_HEADER, signCallerToken } from '../src/caller-token.js';
import { FETCH_BATCH_MAX_BYTES, FETCH_BATCH_MAX_FETCHES, FETCH_BATCH_PATH } from '../src/fetch-batch.js';
import { createLogger } from '../src/logger.js';
import type { RunningServer } from '../src/subgraph.js';
import { probeSubgraph } from '../src/testing/probe-subgraph.js';

type Line = Record<string, unknown> & { msg: string };

const lines: Line[] = [];
const gatewaySecret = randomBytes(32).toString('base64url');
const { subgraph, runs } = probeSubgraph({
  gatewaySecret,
  logger: createLogger('info', { service: 'probe' }, { destination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Line)) } }),
});
let running: RunningServer;
/** HTTP requests the subgraph received, by path. */
const requests: string[] = [];
/** Fetches it reported through onFetch. */
let reported = 0;

beforeAll(async () => {
  subgraph.httpServer.on('request', (req) => requests.push(req.url ?? ''));
  subgraph.onFetch(() => (reported += 1));
  running = await subgraph.start(0, '127.0.0.1');
});

afterAll(async () => {
  await running?.stop();
});

const batchUrl = () => running.url.replace('/graphql', FETCH_BATCH_PATH);
const callerOf = (requestId: string) => ({ viewer: null, clientAddress: '127.0.0.1', requestId });

interface Fetch {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

async function entry(fetch: Fetch, requestId: string, audience = 'probe') {
  return { headers: { [CALLER_HEADER]: await signCallerToken(callerOf(requestId), gatewaySecret, audience), 'x-request-id': requestId }, body: fetch };
}

async function postBatch(body: string): Promise<{ status: number; answer: Record<string, unknown> }> {
  const response = await fetch(batchUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, answer: (await response.json()) as Record<string, unknown> };
}

/** An answer with each errorId (random per error) replaced by a marker. */
const withoutErrorIds = (answer: unknown) => JSON.parse(JSON.stringify(answer).replace(/"errorId":"[^"]+"/g, '"errorId":"…"')) as unknown;

describe('a fetch batch', () => {
  it('answers each fetch in order, as it would be answered alone, in one HTTP request', async () => {
    const fetches: Fetch[] = [
      { query: 'query Hello($name: String!) { hello(name: $name) }', variables: { name: 'Ada' } },
      { query: '{ broken hello(name: "x") }' },
      { query: '{ refused }' },
      { query: '{ numbers(n: 50) }' },
      { query: '{ numbers(n: 500) hello(name: "y") }' },
      { query: 'query A { hello(name: "a") } query B { hello(name: "b") }', operationName: 'B' },
      { query: '{ who }' },
      { query: '{ who }' },
    ];
    const ids = fetches.map((_fetch, index) => `batch-${index}`);
    const requestsBefore = requests.length;
    const reportedBefore = reported;
    const { status, answer } = await postBatch(JSON.stringify({ fetches: await Promise.all(fetches.map((fetch, index) => entry(fetch, ids[index]!))) }));
    expect(status).toBe(200);
    expect(requests.length - requestsBefore).toBe(1);
    expect(reported - reportedBefore).toBe(fetches.length);
    const answers = answer.answers as { status: number; body: unknown }[];
    expect(answers).toHaveLength(fetches.length);
    for (const [index, fetch] of fetches.entries()) {
      expect(answers[index]!.status).toBe(200);
      expect(withoutErrorIds(answers[index]!.body)).toEqual(withoutErrorIds(await subgraph.execute(fetch, callerOf(ids[index]!))));
    }
    // Each fetch its own caller: the two `who` answers differ.
    expect(answers[6]!.body).toEqual({ data: { who: 'batch-6' } });
    expect(answers[7]!.body).toEqual({ data: { who: 'batch-7' } });
    // One access line per fetch, under its own request id, none for the batch (the reference
    // runs above wrote theirs with path "in-process").
    const access = lines.filter((line) => line.msg === 'request' && line.path !== 'in-process' && typeof line.requestId === 'string' && ids.includes(line.requestId));
    expect(access.map((line) => line.requestId).sort()).toEqual([...ids].sort());
    for (const line of access) expect(line).toMatchObject({ method: 'POST', path: '/graphql', status: 200, batched: fetches.length });
    expect(access.find((line) => line.requestId === 'batch-5')).toMatchObject({ operationName: 'B' });
    expect(access.find((line) => line.requestId === 'batch-1')).toMatchObject({ errorCodes: ['INTERNAL_SERVER_ERROR'] });
    expect(lines.some((line) => line.msg === 'request' && line.path === FETCH_BATCH_PATH)).toBe(false);
  });

  it('refuses a fetch whose caller token is not for this subgraph, and answers the others', async () => {
    const before = runs.bumps;
    const { status, answer } = await postBatch(
      JSON.stringify({ fetches: [await entry({ query: 'mutation { bump }' }, 'other-1', 'learning'), await entry({ query: 'mutation { bump }' }, 'mine-1')] }),
    );
    expect(status).toBe(200);
    const [refused, ran] = answer.answers as { status: number; body: Record<string, unknown> }[];
    expect(refused!.status).toBe(401);
    expect(refused!.body).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(refused!.body.data).toBeUndefined();
    expect(ran).toEqual({ status: 200, body: { data: { bump: before + 1 } } });
    expect(runs.bumps).toBe(before + 1);
    const missing = await postBatch(JSON.stringify({ fetches: [{ headers: {}, body: { query: '{ who }' } }, await entry({ query: '{ who }' }, 'mine-2')] }));
    expect((missing.answer.answers as { status: number }[]).map((one) => one.status)).toEqual([401, 200]);
  });

  it('marks what Apollo Server must answer as retry, without running it, and runs the rest once', async () => {
    const before = runs.bumps;
    const reportedBefore = reported;
    const { status, answer } = await postBatch(
      JSON.stringify({
        fetches: [
          await entry({ query: '{ hello(' }, 'retry-1'),
          await entry({ query: '{ nothing }' }, 'retry-2'),
          await entry({ query: 'query Hello($name: String!) { hello(name: $name) }', variables: { name: 12 } }, 'retry-3'),
          await entry({ query: 'query A { hello(name: "a") }', operationName: 'Z' }, 'retry-4'),
          await entry({ query: 'mutation { bump }' }, 'retry-5'),
        ],
      }),
    );
    expect(status).toBe(200);
    expect(answer.answers).toEqual([{ retry: true }, { retry: true }, { retry: true }, { retry: true }, { status: 200, body: { data: { bump: before + 1 } } }]);
    expect(runs.bumps).toBe(before + 1);
    expect(reported - reportedBefore).toBe(1);
  });

  it('refuses a malformed batch as a whole, running none of it', async () => {
    const before = runs.bumps;
    const bump = await entry({ query: 'mutation { bump }' }, 'malformed');
    const cases: [string, number][] = [
      ['{"fetches": [', 400],
      ['{}', 400],
      ['{"fetches": []}', 400],
      [JSON.stringify({ fetches: [bump, { body: { query: 'mutation { bump }' } }] }), 400],
      [JSON.stringify({ fetches: [bump, null] }), 400],
      [JSON.stringify({ fetches: Array.from({ length: FETCH_BATCH_MAX_FETCHES + 1 }, () => bump) }), 400],
    ];
    for (const [body, expected] of cases) {
      const { status, answer } = await postBatch(body);
      expect([body.slice(0, 40), status]).toEqual([body.slice(0, 40), expected]);
      expect(answer).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    }
    const get = await fetch(batchUrl());
    expect(get.status).toBe(405);
    const huge = await fetch(batchUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fetches: [{ ...bump, body: { query: `mutation { bump } #${'x'.repeat(FETCH_BATCH_MAX_BYTES)}` } }] }),
    });
    expect(huge.status).toBe(413);
    expect(runs.bumps).toBe(before);
  });
});
