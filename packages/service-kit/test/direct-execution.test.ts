// Subgraph fetches served without Apollo Server's per-request pipeline answer exactly what
// Apollo Server answers for the same operation (the subgraph's in-process `execute`, which runs
// Apollo Server's pipeline, is the reference): data, masked errors, answer-budget refusals; and
// what the direct path leaves to Apollo Server (syntax and validation errors, variables that do
// not coerce, an unknown operation name) is answered by it, with its HTTP status.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CALLER_HEADER, signCallerToken } from '../src/caller-token.js';
import { createLogger } from '../src/logger.js';
import type { RunningServer } from '../src/subgraph.js';
import { probeSubgraph } from '../src/testing/probe-subgraph.js';

const gatewaySecret = randomBytes(32).toString('base64url');
const { subgraph, runs } = probeSubgraph({ gatewaySecret, logger: createLogger('silent') });
let running: RunningServer;

beforeAll(async () => {
  running = await subgraph.start(0, '127.0.0.1');
});

afterAll(async () => {
  await running?.stop();
});

const caller = { viewer: null, clientAddress: '127.0.0.1', requestId: 'direct-1' };

async function overHttp(body: unknown): Promise<{ status: number; answer: Record<string, unknown> }> {
  const token = await signCallerToken(caller, gatewaySecret, 'probe');
  const response = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json', [CALLER_HEADER]: token }, body: JSON.stringify(body) });
  return { status: response.status, answer: (await response.json()) as Record<string, unknown> };
}

/** An answer with each errorId (random per error) replaced by a marker. */
const withoutErrorIds = (answer: unknown) => JSON.parse(JSON.stringify(answer).replace(/"errorId":"[^"]+"/g, '"errorId":"…"')) as unknown;

describe('a fetch served without the pipeline', () => {
  const cases: [string, { query: string; variables?: Record<string, unknown>; operationName?: string }][] = [
    ['data with variables', { query: 'query Hello($name: String!) { hello(name: $name) }', variables: { name: 'Ada' } }],
    ['an unexpected error, masked, beside data', { query: '{ broken hello(name: "x") }' }],
    ['a domain error with its code', { query: '{ refused }' }],
    ['a list within the answer budget', { query: '{ numbers(n: 50) }' }],
    ['a list past the answer budget: the error alone', { query: '{ numbers(n: 500) hello(name: "y") }' }],
    ['one operation of several, by name', { query: 'query A { hello(name: "a") } query B { hello(name: "b") }', operationName: 'B' }],
    ['the caller', { query: '{ who }' }],
  ];
  for (const [label, request] of cases) {
    it(`answers as Apollo Server does: ${label}`, async () => {
      const { status, answer } = await overHttp(request);
      expect(status).toBe(200);
      expect(withoutErrorIds(answer)).toEqual(withoutErrorIds(await subgraph.execute(request, caller)));
    });
  }

  it('runs a mutation once', async () => {
    const before = runs.bumps;
    const { answer } = await overHttp({ query: 'mutation { bump }' });
    expect(answer).toEqual({ data: { bump: before + 1 } });
    expect(runs.bumps).toBe(before + 1);
  });
});

describe('what the direct path leaves to Apollo Server', () => {
  it('a syntax error: 400 GRAPHQL_PARSE_FAILED', async () => {
    const { status, answer } = await overHttp({ query: '{ hello(' });
    expect(status).toBe(400);
    expect(answer).toMatchObject({ errors: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
  });

  it('a validation error: 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, answer } = await overHttp({ query: '{ nothing }' });
    expect(status).toBe(400);
    expect(answer).toMatchObject({ errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
  });

  it('variables that do not coerce: 400 BAD_USER_INPUT, nothing run', async () => {
    const { status, answer } = await overHttp({ query: 'query Hello($name: String!) { hello(name: $name) }', variables: { name: 12 } });
    expect(status).toBe(400);
    expect(answer).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    expect(answer).not.toHaveProperty('data');
  });

  it('an operation name the document does not hold, and several operations without a name', async () => {
    for (const request of [
      { query: 'query A { hello(name: "a") }', operationName: 'Z' },
      { query: 'query A { hello(name: "a") } query B { hello(name: "b") }' },
    ]) {
      const { status, answer } = await overHttp(request);
      expect(status).toBe(400);
      expect(answer).toMatchObject({ errors: [{ extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
    }
  });
});
