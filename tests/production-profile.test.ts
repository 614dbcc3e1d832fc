import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gatewayProfile, loadGatewayConfig, type RunningGateway } from '@academy/gateway';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ErrorCode } from '@academy/service-kit';
import type { Client } from 'graphql-ws';
import { collect, wsClient } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let development: RunningGateway;
let production: RunningGateway;
let productionOptedIn: RunningGateway;
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startStack();
  // The profile's defaults: nothing set but NODE_ENV.
  development = await stack.startGateway({ NODE_ENV: 'development' });
  production = await stack.startGateway({ NODE_ENV: 'production' });
  productionOptedIn = await stack.startGateway({ NODE_ENV: 'production', INTROSPECTION: 'true', PLAYGROUND: 'true' });
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.stop();
});

type Body = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
async function post(gateway: RunningGateway, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: Body }> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as Body };
}

/** Client mistakes graphql-js answers with a suggestion: a field, an argument, an enum literal, an enum variable and an input field. */
const MISTAKES: [string, Record<string, unknown> | undefined][] = [
  ['{ courses { totalCont } }', undefined],
  ['{ courses(frist: 1) { totalCount } }', undefined],
  ['{ users(role: ADMN) { totalCount } }', undefined],
  ['query($r: Role) { users(role: $r) { totalCount } }', { r: 'ADMN' }],
  ['query($f: CourseFilter) { courses(filter: $f) { totalCount } }', { f: { levl: 'BEGINNER' } }],
];

const playground = (gateway: RunningGateway) => fetch(gateway.url, { headers: { accept: 'text/html' } });

describe('the profile settings', () => {
  it('turn introspection and the playground off in production unless set', () => {
    const secret = { GATEWAY_SECRET: 'x'.repeat(32) };
    expect(gatewayProfile(loadGatewayConfig(secret))).toEqual({ production: false, introspection: true, playground: true });
    expect(gatewayProfile(loadGatewayConfig({ ...secret, NODE_ENV: 'production' }))).toEqual({ production: true, introspection: false, playground: false });
    expect(gatewayProfile(loadGatewayConfig({ ...secret, NODE_ENV: 'production', INTROSPECTION: 'true', PLAYGROUND: 'true' }))).toEqual({
      production: true,
      introspection: true,
      playground: true,
    });
    expect(gatewayProfile(loadGatewayConfig({ ...secret, PLAYGROUND: 'false' })).playground).toBe(false);
  });
});

describe('development', () => {
  it('keeps introspection, the playground, suggestions and the failing subgraph’s name', async () => {
    const introspection = await post(development, '{ __schema { queryType { name } } }');
    expect(introspection.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const page = await playground(development);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    for (const [query, variables] of MISTAKES) {
      const { status, body } = await post(development, query, variables);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.message).toMatch(/Did you mean/);
    }
    const fromSubgraph = await post(development, '{ courses(first: 1000) { totalCount } }');
    expect(fromSubgraph.body.errors?.[0]?.extensions).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, serviceName: 'learning' });
  });
});

describe('production', () => {
  it('refuses introspection with 400 unless INTROSPECTION=true', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Course") { name } }']) {
      const { status, body } = await post(production, query);
      expect(status).toBe(400);
      expect(body.errors?.[0]).toMatchObject({ message: 'Introspection is turned off on this server.', extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED } });
    }
    expect((await post(productionOptedIn, '{ __schema { queryType { name } } }')).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('serves no playground unless PLAYGROUND=true', async () => {
    const page = await playground(production);
    expect(page.headers.get('content-type')).not.toMatch(/text\/html/);
    expect(await page.text()).not.toMatch(/<html/i);
    expect((await playground(productionOptedIn)).headers.get('content-type')).toMatch(/text\/html/);
  });

  it('tells what is wrong without suggesting names from the schema, with the same codes', async () => {
    for (const [query, variables] of MISTAKES) {
      const dev = await post(development, query, variables);
      const { status, body } = await post(production, query, variables);
      expect(status).toBe(dev.status);
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(dev.body.errors?.map((error) => error.extensions?.code));
      expect(body.errors?.[0]?.message).toBe(dev.body.errors?.[0]?.message.replace(/ Did you mean .*\?$/, ''));
      expect(JSON.stringify(body)).not.toMatch(/Did you mean|ADMIN|"level"|totalCount"\?/);
    }
  });

  it('does not name the subgraph an error came from', async () => {
    const { body } = await post(production, '{ courses(first: 1000) { totalCount } }');
    expect(body.errors?.[0]).toEqual({ message: '"first" must be between 0 and 100.', path: ['courses'], extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'first' } });
  });

  it('sends no suggestion over WebSocket either', async () => {
    const client = wsClient(production.url, null);
    clients.push(client);
    for (const [query, variables] of [
      ['subscription { messageAdded(roomId: "00000000-0000-4000-8000-000000000000") { sequnce } }', {}],
      ['subscription { messageAdded(roomId: "00000000-0000-4000-8000-000000000000", afterSequense: 1) { sequence } }', {}],
    ] as const) {
      const refused = collect(client, query, variables, (data) => data);
      await refused.ended();
      expect(refused.errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(refused.errors)).not.toMatch(/Did you mean|"sequence"|"afterSequence"/);
    }
  });
});
