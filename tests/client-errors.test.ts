import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ErrorCode, RequestErrorCode } from '@academy/service-kit';
import { startStack, type TestStack } from './support/stack.js';
import { as, signUpUser, type SignedUpUser } from './support/clients.js';
import { withAdmin } from './support/fixtures.js';

let stack: TestStack;
let user: SignedUpUser;

beforeAll(async () => {
  stack = await startStack({ gateway: { MAX_BODY_BYTES: String(4 * 1024 * 1024) } });
  user = await signUpUser(stack, 'Mistaken');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

type Answer = { status: number; body: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] } };

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const codes = (answer: Answer) => answer.body.errors?.map((error) => error.extensions?.code);

/** Runs `operation` and expects a 400 with `code` and nothing sent to any subgraph. */
async function expectRefused(body: unknown, code: string, message: RegExp, headers?: Record<string, string>): Promise<void> {
  const fetches = Object.values(stack.subgraphs).reduce((sum, s) => sum + s.fetches(), 0);
  const answer = await post(body, headers);
  expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 400, codes: [code] });
  expect(answer.body.errors![0]!.message).toMatch(message);
  expect(answer.body.data).toBeUndefined();
  expect(Object.values(stack.subgraphs).reduce((sum, s) => sum + s.fetches(), 0)).toBe(fetches);
}

const sessionsFrom = 'query($from: DateTime) { trainingSessions(filter: { from: $from }) { totalCount } }';

describe('invalid DateTime values', () => {
  it('refuses an impossible date (30 February) as a literal and as a variable, before any subgraph is called', async () => {
    await expectRefused({ query: '{ trainingSessions(filter: { from: "2026-02-30T00:00:00Z" }) { totalCount } }' }, RequestErrorCode.GRAPHQL_VALIDATION_FAILED, /2026-02-30T00:00:00Z" is not a date of the calendar/);
    await expectRefused({ query: sessionsFrom, variables: { from: '2026-02-30T00:00:00Z' } }, ErrorCode.BAD_USER_INPUT, /\$from.*is not a date of the calendar/);
  });

  it('refuses malformed date-times with BAD_USER_INPUT, saying what is expected', async () => {
    for (const from of ['yesterday', '2026-05-01', '2026-05-01T09:30:00', '2026-05-01T25:00:00Z', 12]) {
      await expectRefused({ query: sessionsFrom, variables: { from } }, ErrorCode.BAD_USER_INPUT, /\$from/);
    }
    await expectRefused({ query: '{ trainingSessions(filter: { from: "soon" }) { totalCount } }' }, RequestErrorCode.GRAPHQL_VALIDATION_FAILED, /ISO 8601 date-time with a time zone/);
  });

  it('accepts a valid date-time with an offset', async () => {
    const answer = await post({ query: sessionsFrom, variables: { from: '2024-02-29T09:30:00+02:00' } });
    expect(answer).toEqual({ status: 200, body: { data: { trainingSessions: { totalCount: 0 } } } });
  });

  it('stores nothing from a mutation with an impossible date', async () => {
    const answer = await post(
      { query: 'mutation { trackEvents(events: [{ name: "course_viewed", occurredAt: "2026-02-30T00:00:00Z" }]) }' },
      { authorization: `Bearer ${user.accessToken}` },
    );
    expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 400, codes: [RequestErrorCode.GRAPHQL_VALIDATION_FAILED] });
    const rows = await withAdmin(stack.database.adminUrl, (client) => client.query("SELECT count(*)::int AS n FROM ai_analytics.analytics_events WHERE name = 'course_viewed'"));
    expect(rows.rows[0]).toEqual({ n: 0 });
  });
});

describe('text with a NUL character', () => {
  it('is refused with BAD_USER_INPUT naming the variable, before any SQL', async () => {
    await expectRefused(
      { query: 'query($search: String) { courses(filter: { search: $search }) { totalCount } }', variables: { search: 'a\u0000b' } },
      ErrorCode.BAD_USER_INPUT,
      /Variable "\$search" contains a NUL character/,
    );
    await expectRefused(
      { query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }', variables: { input: { email: 'nul@example.test', password: 'a long enough passphrase 1', firstName: 'N\u0000', lastName: 'B' } } },
      ErrorCode.BAD_USER_INPUT,
      /"\$input\.firstName" contains a NUL character/,
    );
    await expectRefused(
      { query: 'mutation($events: [AnalyticsEventInput!]!) { trackEvents(events: $events) }', variables: { events: [{ name: 'x', anonymousId: 'a', properties: { note: ['\u0000'] } }] } },
      ErrorCode.BAD_USER_INPUT,
      /"\$events\[0\]\.properties\.note\[0\]" contains a NUL character/,
    );
  });

  it('is refused in a literal too, and no account is created', async () => {
    await expectRefused({ query: '{ course(slug: "a\\u0000b") { id } }' }, ErrorCode.BAD_USER_INPUT, /NUL character/);
    await expectRefused(
      { query: 'mutation { signUp(input: { email: "nul2@example.test", password: "a long enough passphrase 1", firstName: "A\\u0000", lastName: "B" }) { accessToken } }' },
      ErrorCode.BAD_USER_INPUT,
      /NUL character/,
    );
    const rows = await withAdmin(stack.database.adminUrl, (client) => client.query("SELECT count(*)::int AS n FROM identity.users WHERE email LIKE 'nul%'"));
    expect(rows.rows[0]).toEqual({ n: 0 });
  });
});

describe('other invalid values', () => {
  it('refuses unknown enum values, out-of-range Ints and wrong types with 400', async () => {
    await expectRefused({ query: 'query($level: CourseLevel) { courses(filter: { level: $level }) { totalCount } }', variables: { level: 'HARD' } }, ErrorCode.BAD_USER_INPUT, /"HARD" does not exist in "CourseLevel"/);
    await expectRefused({ query: '{ courses(filter: { level: HARD }) { totalCount } }' }, RequestErrorCode.GRAPHQL_VALIDATION_FAILED, /CourseLevel/);
    await expectRefused({ query: '{ courses(first: 99999999999) { totalCount } }' }, RequestErrorCode.GRAPHQL_VALIDATION_FAILED, /non 32-bit signed integer/);
    await expectRefused({ query: 'query($n: Int) { courses(first: $n) { totalCount } }', variables: { n: 1e12 } }, ErrorCode.BAD_USER_INPUT, /non 32-bit signed integer/);
    await expectRefused({ query: 'query($n: Int) { courses(first: $n) { totalCount } }', variables: { n: 'ten' } }, ErrorCode.BAD_USER_INPUT, /\$n/);
    await expectRefused({ query: 'query($id: ID!) { course(id: $id) { id } }', variables: {} }, ErrorCode.BAD_USER_INPUT, /"\$id" of required type "ID!" was not provided/);
  });

  it('answers BAD_USER_INPUT for IDs that are not UUIDs and out-of-range page sizes', async () => {
    const id = await post({ query: 'query($id: ID!) { trainingSession(id: $id) { id } }', variables: { id: 'not-an-id' } });
    expect(codes(id)).toEqual([ErrorCode.BAD_USER_INPUT]);
    expect(id.body.errors![0]!.message).toBe('"id" is not a valid ID.');
    const first = await post({ query: '{ courses(first: -1) { totalCount } }' });
    expect(codes(first)).toEqual([ErrorCode.BAD_USER_INPUT]);
    expect(first.body.errors![0]!.message).toMatch(/"first" must be between 0 and 100/);
  });
});

describe('requests without one operation to run', () => {
  it('refuses several operations without operationName with 400 OPERATION_RESOLUTION_FAILURE', async () => {
    await expectRefused({ query: 'query A { topics { id } } query B { venues { id } }' }, RequestErrorCode.OPERATION_RESOLUTION_FAILURE, /several operations: name the one to run in "operationName"/);
  });

  it('refuses an unknown operationName with 400, naming it', async () => {
    await expectRefused({ query: 'query A { topics { id } }', operationName: 'Z' }, RequestErrorCode.OPERATION_RESOLUTION_FAILURE, /no operation named "Z"/);
  });

  it('runs the named one of several operations', async () => {
    const answer = await post({ query: 'query A { topics { id } } query B { venues { id } }', operationName: 'B' });
    expect(answer).toEqual({ status: 200, body: { data: { venues: [] } } });
  });

  it('answers syntax and validation errors with 400 and their codes', async () => {
    await expectRefused({ query: '{ topics { id }' }, RequestErrorCode.GRAPHQL_PARSE_FAILED, /Syntax Error/);
    await expectRefused({ query: '{ topics { nope } }' }, RequestErrorCode.GRAPHQL_VALIDATION_FAILED, /Cannot query field "nope" on type "Topic"/);
  });

  it('refuses a subscription over plain HTTP with 400, naming the WebSocket endpoint', async () => {
    await expectRefused({ query: 'subscription { notificationAdded { id } }' }, RequestErrorCode.BAD_REQUEST, /WebSocket: connect to ws:\/\/127\.0\.0\.1:\d+\/graphql .*graphql-transport-ws/);
  });
});

describe('a subgraph that refuses a fetch', () => {
  it("passes the subgraph's 4xx refusal through with its code, never as an internal error", async () => {
    // The gateway here accepts bodies of 4 MiB, a subgraph 1 MiB: a 1.5 MB argument passes the
    // gateway and the subgraph refuses the fetch with 413.
    const answer = await post({ query: 'query($search: String) { courses(filter: { search: $search }) { totalCount } }', variables: { search: 'x'.repeat(1_500_000) } });
    expect(codes(answer)).toEqual([RequestErrorCode.BAD_REQUEST]);
    expect(answer.body.errors![0]!.message).toMatch(/larger than 1048576 bytes/);
  });
});

describe('partial answers when a subgraph is down', () => {
  let courseIds: string[];

  beforeAll(async () => {
    courseIds = [randomUUID(), randomUUID()];
    await withAdmin(stack.database.adminUrl, async (client) => {
      for (const [index, id] of courseIds.entries()) {
        await client.query(
          `INSERT INTO learning.courses (id, slug, title, level, language, status, published_at) VALUES ($1, $2, $3, 'BEGINNER', 'en-GB', 'PUBLISHED', now())`,
          [id, `course-${index}`, `Course ${index}`],
        );
        await client.query(`INSERT INTO commerce.prices (course_id, amount_minor, currency) VALUES ($1, 1000, 'GBP')`, [id]);
      }
    });
  });

  it('carries the other subgraphs\' data and SERVICE_UNAVAILABLE errors with the path of each missing field', async () => {
    const query = '{ courses(first: 2) { edges { node { title price { amountMinor } } } } }';
    const before = await as<{ courses: { edges: { node: { title: string; price: { amountMinor: number } | null } }[] } }>(stack, user, query);
    expect(before.courses.edges.map((e) => e.node.price)).toEqual([{ amountMinor: 1000 }, { amountMinor: 1000 }]);

    await stack.subgraphs.commerce.stop();
    const answer = await post({ query });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ courses: { edges: [{ node: { title: 'Course 0', price: null } }, { node: { title: 'Course 1', price: null } }] } });
    expect(answer.body.errors?.map((error) => ({ path: error.path, code: error.extensions?.code }))).toEqual([
      { path: ['courses', 'edges', 0, 'node', 'price'], code: ErrorCode.SERVICE_UNAVAILABLE },
      { path: ['courses', 'edges', 1, 'node', 'price'], code: ErrorCode.SERVICE_UNAVAILABLE },
    ]);
    expect(JSON.stringify(answer.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|INTERNAL_SERVER_ERROR/);
  });

  it('gives the same partial answer from a gateway that runs the subgraphs in its own process', async () => {
    // Stopped, commerce's in-process execution fails as its HTTP endpoint did.
    await stack.subgraphs.commerce.stop();
    const inProcess = await stack.startInProcessGateway();
    const response = await fetch(inProcess.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ courses(first: 1) { edges { node { title price { amountMinor } } } } }' }) });
    const body = (await response.json()) as Answer['body'];
    expect(response.status).toBe(200);
    expect(body.data).toEqual({ courses: { edges: [{ node: { title: 'Course 0', price: null } }] } });
    expect(body.errors?.map((error) => ({ path: error.path, code: error.extensions?.code }))).toEqual([{ path: ['courses', 'edges', 0, 'node', 'price'], code: ErrorCode.SERVICE_UNAVAILABLE }]);
  });

  it('answers a root field of a down subgraph with its path, beside the data of the others; 503 when nothing could be answered', async () => {
    await stack.subgraphs.learning.stop();
    const answer = await post({ query: `{ course(id: "${courseIds[0]}") { title } venues { id } }` });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ course: null, venues: [] });
    expect(answer.body.errors?.map((error) => ({ path: error.path, code: error.extensions?.code }))).toEqual([{ path: ['course'], code: ErrorCode.SERVICE_UNAVAILABLE }]);

    const nothing = await post({ query: '{ courses(first: 1) { totalCount } }' });
    expect(nothing.status).toBe(503);
    expect(nothing.body.data).toBeNull();
    expect(nothing.body.errors?.map((error) => ({ path: error.path, code: error.extensions?.code }))).toEqual([{ path: ['courses'], code: ErrorCode.SERVICE_UNAVAILABLE }]);
  });
});
