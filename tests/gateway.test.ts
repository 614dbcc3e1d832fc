import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadGatewayConfig } from '@academy/gateway';
import { ConfigError, ErrorCode, RequestErrorCode } from '@academy/service-kit';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const gatewayUrl = (path: string) => stack.gateway.url.replace('/graphql', path);

describe('gateway configuration', () => {
  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadGatewayConfig({ PORT: 'eighty', LEARNING_URL: 'not a url', SUBGRAPH_CONNECTIONS: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'LEARNING_URL', 'GATEWAY_SECRET', 'SUBGRAPH_CONNECTIONS']);
  });
});

describe('fetch batches', () => {
  it("sends concurrent requests' fetches to a subgraph in batches, each answered as alone", async () => {
    const learning = stack.subgraphs.learning;
    const expected = (await stack.query('{ courses(first: 3) { totalCount edges { node { id title } } } }')).body;
    expect(expected.errors).toBeUndefined();
    // Requests that arrive together meet in the gateway's event loop: their fetches share requests.
    let saved = 0;
    for (let round = 0; round < 5 && saved === 0; round++) {
      const fetches = learning.fetches();
      const requests = learning.fetchRequests();
      const answers = await Promise.all(Array.from({ length: 30 }, () => stack.query('{ courses(first: 3) { totalCount edges { node { id title } } } }')));
      for (const answer of answers) expect(answer.body).toEqual(expected);
      expect(learning.fetches() - fetches).toBe(30);
      saved = 30 - (learning.fetchRequests() - requests);
    }
    expect(saved).toBeGreaterThan(0);
  });
});

describe('gateway HTTP', () => {
  it('answers /healthz and /readyz when every subgraph and its database is up', async () => {
    const health = await fetch(gatewayUrl('/healthz'));
    expect(health.status).toBe(200);
    const ready = await fetch(gatewayUrl('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { identity: 'up', learning: 'up', scheduling: 'up', commerce: 'up', community: 'up', 'ai-analytics': 'up' },
    });
  });

  it('refuses malformed requests with clear status codes', async () => {
    const badJson = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(badJson.status).toBe(400);
    const huge = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ courses { totalCount } } #${'x'.repeat(1_100_000)}` }),
    });
    expect(huge.status).toBe(413);
    expect((await fetch(gatewayUrl('/nowhere'))).status).toBe(404);
    const invalid = await stack.query('{ courses { nope } }');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe(RequestErrorCode.GRAPHQL_VALIDATION_FAILED);
  });

  it('passes domain errors through with their codes', async () => {
    const { body } = await stack.query('{ courses(first: 1000) { totalCount } }');
    expect(body.errors?.[0]?.extensions?.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(body.errors?.[0]?.message).toBe('"first" must be between 0 and 100.');
  });
});

describe('when a subgraph fails', () => {
  it('answers SERVICE_UNAVAILABLE without detail and reports the subgraph not ready', async () => {
    // The learning subgraph goes away: clients learn what is missing and may retry, nothing more.
    const learning = stack.subgraphs.learning;
    await learning.stop();
    const { status, body } = await stack.query('{ courses(first: 1) { totalCount } }');
    expect(status).toBe(503);
    expect(body.errors?.[0]?.extensions?.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(JSON.stringify(body.errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
    const ready = await fetch(gatewayUrl('/readyz'));
    expect(ready.status).toBe(503);
    const checks = ((await ready.json()) as { checks: Record<string, string> }).checks;
    expect(checks.learning).toMatch(/^down/);
    expect(checks.identity).toBe('up');
  });
});
