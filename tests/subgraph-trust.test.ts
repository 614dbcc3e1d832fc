import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CALLER_HEADER, ErrorCode, signCallerToken } from '@academy/service-kit';
import { SignJWT } from 'jose';
import { startStack, type SubgraphName, type TestStack } from './support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
}

const OPERATIONS = [
  '{ _service { sdl } }',
  '{ _entities(representations: [{ __typename: "Course", id: "00000000-0000-4000-8000-000000000000" }]) { __typename } }',
  '{ __typename }',
];

describe('a subgraph called directly', () => {
  it.each(['identity', 'learning', 'scheduling', 'commerce', 'community', 'ai-analytics'] as SubgraphName[])(
    '%s refuses _service, _entities and every operation without the gateway credentials',
    async (name) => {
      for (const query of OPERATIONS) {
        const { status, body } = await post(stack.subgraphs[name].url, query);
        expect(status).toBe(401);
        expect(body.data).toBeUndefined();
        expect(body.errors?.[0]?.extensions?.code).toBe(ErrorCode.UNAUTHENTICATED);
      }
      // Health checks stay open.
      expect((await fetch(stack.subgraphs[name].url.replace('/graphql', '/healthz'))).status).toBe(200);
    },
  );

  it('refuses forged, expired and foreign credentials', async () => {
    const url = stack.subgraphs.learning.url;
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'anonymous', roles: ['ADMIN'], iss: 'academy-gateway', aud: 'academy-subgraphs', iat: 1, exp: 9999999999 }),
    ).toString('base64url')}.`;
    const wrongSecret = await signCallerToken({ viewer: null, clientAddress: null, requestId: null }, 'another-secret-of-at-least-32-characters!!', 'learning');
    const expired = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('anonymous')
      .setIssuer('academy-gateway')
      .setAudience('academy-subgraphs')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3000)
      .sign(new TextEncoder().encode('x'.repeat(40)));
    for (const token of [unsigned, wrongSecret, expired, 'garbage']) {
      const { status } = await post(url, '{ __typename }', { [CALLER_HEADER]: token });
      expect(status).toBe(401);
    }
  });
});

describe('caller tokens', () => {
  it('are bound to their subgraph: one captured at learning and replayed against the others is refused with 401', async () => {
    const { body } = await stack.query('{ courses(first: 1) { totalCount } }');
    expect(body.errors).toBeUndefined();
    const captured = stack.subgraphs.learning.lastCallerToken();
    expect(captured).toBeDefined();
    // Still good where it was meant to go...
    expect((await post(stack.subgraphs.learning.url, '{ __typename }', { [CALLER_HEADER]: captured! })).status).toBe(200);
    // ...and nowhere else, although every subgraph here shares the gateway's secret.
    for (const name of ['identity', 'scheduling', 'commerce', 'community', 'ai-analytics'] as SubgraphName[]) {
      const { status, body } = await post(stack.subgraphs[name].url, '{ __typename }', { [CALLER_HEADER]: captured! });
      expect(status).toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe(ErrorCode.UNAUTHENTICATED);
    }
  });

  it('each subgraph a plan visits gets a token of its own', async () => {
    const { body } = await stack.query('{ me { id } courses(first: 1) { totalCount } }');
    expect(body.errors).toBeUndefined();
    const learning = stack.subgraphs.learning.lastCallerToken();
    const identity = stack.subgraphs.identity.lastCallerToken();
    expect(learning).toBeDefined();
    expect(identity).toBeDefined();
    expect(learning).not.toBe(identity);
    expect((await post(stack.subgraphs.identity.url, '{ __typename }', { [CALLER_HEADER]: identity! })).status).toBe(200);
  });
});

describe('through the gateway', () => {
  it('answers, and ignores caller headers sent by the client', async () => {
    const forged = await signCallerToken(
      { viewer: { userId: '00000000-0000-4000-8000-000000000001', roles: ['ADMIN'] }, clientAddress: null, requestId: null },
      'another-secret-of-at-least-32-characters!!',
      'learning',
    );
    const { status, body } = await stack.query('{ me { id } courses(first: 1) { totalCount } }', undefined, { [CALLER_HEADER]: forged });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ me: null, courses: { totalCount: 0 } });
  });
});

describe('access tokens at the gateway', () => {
  it('refuses a malformed Authorization header or token with 401 UNAUTHENTICATED, before any subgraph is asked', async () => {
    const before = stack.subgraphs.identity.fetches();
    for (const authorization of ['Basic abc', 'Bearer', 'Bearer not.a.jwt', 'Bearer a b']) {
      const { status, body } = await stack.query('{ me { id } }', undefined, { authorization });
      expect(status).toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe(ErrorCode.UNAUTHENTICATED);
    }
    expect(stack.subgraphs.identity.fetches()).toBe(before);
  });
});
