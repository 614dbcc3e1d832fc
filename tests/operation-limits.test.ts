import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperationLimitCode } from '@academy/service-kit';
import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import { as, collect, signUpUser, wsClient } from './support/clients.js';
import { startStack, type SubgraphName, type TestStack } from './support/stack.js';

let stack: TestStack;
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startStack();
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.stop();
});

/** Every fetch and subscription socket the gateway has sent to any subgraph so far. */
const subgraphCalls = () =>
  Object.values(stack.subgraphs as Record<SubgraphName, { fetches(): number; upgrades(): number }>).reduce((sum, subgraph) => sum + subgraph.fetches() + subgraph.upgrades(), 0);

// The shapes of issue 10, at the default limits.
const UPCOMING_SESSIONS_CHAIN =
  '{ courses(first: 100) { edges { node { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt endsAt } } } } } } } } } } } } } } }';
const NESTED_PAGES =
  '{ courses(first: 100) { edges { node { title topics { courses(first: 100) { edges { node { title topics { courses(first: 100) { edges { node { title } } } } } } } } } } } }';
const fragmentExpansion = (root: string, type: string) =>
  `${root}\n` + Array.from({ length: 25 }, (_, i) => (i < 24 ? `fragment F${i} on ${type} { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on ${type} { __typename }`)).join('\n');
/** `levels` fields deep without any list: course → upcomingSessions(first: 1) → course → … */
const deep = (levels: number, leaf = 'id') => {
  let selection = leaf;
  for (let level = levels - 1; level >= 1; level -= 1) selection = level === 1 ? `course(slug: "x") { ${selection} }` : level % 2 === 0 ? `upcomingSessions(first: 1) { ${selection} }` : `course { ${selection} }`;
  return `{ ${selection} }`;
};

describe('operation limits over HTTP', () => {
  const refusals: [string, string, string][] = [
    ['the upcoming-sessions chain (depth 7, anonymous)', UPCOMING_SESSIONS_CHAIN, OperationLimitCode.COST_LIMIT_EXCEEDED],
    ['three nested first: 100 pages', NESTED_PAGES, OperationLimitCode.COST_LIMIT_EXCEEDED],
    ['named fragments expanding to 2^24 selections', fragmentExpansion('query { ...F0 }', 'Query'), OperationLimitCode.COST_LIMIT_EXCEEDED],
    ['16 levels deep', deep(16), OperationLimitCode.DEPTH_LIMIT_EXCEEDED],
    ['16 aliases', `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ')} }`, OperationLimitCode.ALIAS_LIMIT_EXCEEDED],
    ['51 directives', `{ ${'__typename @skip(if: false) '.repeat(51)}}`, OperationLimitCode.DIRECTIVE_LIMIT_EXCEEDED],
    ['1,001 tokens', `{ ${'__typename '.repeat(999)}}`, OperationLimitCode.TOKEN_LIMIT_EXCEEDED],
  ];

  it.each(refusals)('refuses %s with 400 and its own code, calling no subgraph', async (_name, query, code) => {
    const before = subgraphCalls();
    const { status, body } = await stack.query(query);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    expect(body.errors?.[0]?.message).toMatch(/limit of \d+ exceeded/);
    expect(subgraphCalls()).toBe(before);
  });

  it('refuses 16 aliased signUp calls before any account is made', async () => {
    const signUps = Array.from(
      { length: 16 },
      (_, i) => `s${i}: signUp(input: { email: "alias-${i}@example.test", password: "a long enough passphrase 1", firstName: "A", lastName: "B" }) { accessToken }`,
    );
    const { status, body } = await stack.query(`mutation { ${signUps.join(' ')} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe(OperationLimitCode.ALIAS_LIMIT_EXCEEDED);
    const admin = new pg.Client({ connectionString: stack.database.adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ count: string }>("SELECT count(*) FROM identity.users WHERE email LIKE 'alias-%@example.test'");
      expect(Number(rows[0]?.count)).toBe(0);
    } finally {
      await admin.end();
    }
  });

  it('applies the cost to page sizes given in variables', async () => {
    const query = 'query($n: Int) { courses(first: $n) { edges { node { topics { courses(first: $n) { edges { node { id } } } } } } } }';
    const refused = await stack.query(query, { n: 100 });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe(OperationLimitCode.COST_LIMIT_EXCEEDED);
    const admitted = await stack.query(query, { n: 2 });
    expect(admitted.status).toBe(200);
    expect(admitted.body.errors).toBeUndefined();
  });

  it('still serves the catalogue page at its largest', async () => {
    const { status, body } = await stack.query(
      '{ courses(first: 100) { totalCount edges { node { title author { displayName } price { formatted } upcomingSessions { startsAt venue { name } } } } } }',
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});

describe('operation limits over WebSocket', () => {
  const subscribe = async (query: string, variables: Record<string, unknown> = {}) => {
    const client = wsClient(stack.gateway.url, null);
    clients.push(client);
    const events = collect(client, query, variables, (data) => data);
    await events.ended();
    return events;
  };
  const roomId = randomUUID();
  const refusals: [string, string, string][] = [
    [
      'a per-event selection of nested lists',
      `subscription { messageAdded(roomId: "${roomId}") { room { members { user { chatRooms { messages(last: 100) { edges { node { room { members { user { id } } } } } } } } } } } }`,
      OperationLimitCode.COST_LIMIT_EXCEEDED,
    ],
    ['named fragments expanding to 2^24 selections', fragmentExpansion(`subscription { messageAdded(roomId: "${roomId}") { ...F0 } }`, 'ChatMessage'), OperationLimitCode.COST_LIMIT_EXCEEDED],
    [
      '16 levels deep',
      `subscription { messageAdded(roomId: "${roomId}") { room { session { course { upcomingSessions(first: 1) { course { upcomingSessions(first: 1) { course { upcomingSessions(first: 1) { course { upcomingSessions(first: 1) { course { upcomingSessions(first: 1) { course { upcomingSessions(first: 1) { id } } } } } } } } } } } } } } } }`,
      OperationLimitCode.DEPTH_LIMIT_EXCEEDED,
    ],
    ['16 aliases', `subscription { messageAdded(roomId: "${roomId}") { ${Array.from({ length: 16 }, (_, i) => `a${i}: sender { id }`).join(' ')} } }`, OperationLimitCode.ALIAS_LIMIT_EXCEEDED],
    ['51 directives', `subscription { messageAdded(roomId: "${roomId}") { ${'id @skip(if: false) '.repeat(51)}} }`, OperationLimitCode.DIRECTIVE_LIMIT_EXCEEDED],
    ['1,001 tokens', `subscription { messageAdded(roomId: "${roomId}") { ${'id '.repeat(993)}} }`, OperationLimitCode.TOKEN_LIMIT_EXCEEDED],
  ];

  it.each(refusals)('refuses %s with an error frame and its own code, calling no subgraph', async (_name, query, code) => {
    const before = subgraphCalls();
    const refused = await subscribe(query);
    expect(refused.events).toEqual([]);
    const errors = refused.errors.flat() as { message: string; extensions?: { code?: string } }[];
    expect(errors.map((error) => error.extensions?.code)).toEqual([code]);
    expect(errors[0]?.message).toMatch(/limit of \d+ exceeded/);
    expect(subgraphCalls()).toBe(before);
  });

  it('still runs a subscription within the limits', async () => {
    const [alice, bob] = await Promise.all([signUpUser(stack, 'Alice'), signUpUser(stack, 'Bob')]);
    const room = await as<{ createChatRoom: { id: string } }>(stack, alice, 'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }', {
      input: { name: 'Limits', kind: 'GROUP', memberIds: [bob.id] },
    });
    const client = wsClient(stack.gateway.url, bob);
    clients.push(client);
    const received = collect(
      client,
      'subscription($r: ID!) { messageAdded(roomId: $r, afterSequence: 0) { sequence content sender { displayName } } }',
      { r: room.createChatRoom.id },
      (data) => data.messageAdded as { content: string },
    );
    await as(stack, alice, 'mutation($r: ID!) { sendMessage(roomId: $r, content: "hello") { sequence } }', { r: room.createChatRoom.id });
    expect((await received.waitFor(1)).map((event) => event.content)).toEqual(['hello']);
    expect(received.errors).toEqual([]);
    received.stop();
  });
});
