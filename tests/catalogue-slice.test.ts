import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@academy/service-kit';
import { insertRows, uuid, withAdmin } from './support/fixtures.js';
import { signUpUser } from './support/clients.js';
import { startStack, type SubgraphName, type TestStack } from './support/stack.js';

const SLICE = /* GraphQL */ `
  query Catalogue($first: Int) {
    courses(first: $first) {
      totalCount
      edges { node { title author { displayName } price { formatted } upcomingSessions { startsAt venue { name } } } }
    }
  }
`;

interface FixtureCourse {
  id: string;
  title: string;
  author: string;
  price: string | null;
  sessions: { startsAt: string; venue: string | null }[];
}

let stack: TestStack;
const published: FixtureCourse[] = [];
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  stack = await startStack();
  await withAdmin(stack.database.adminUrl, async (db) => {
    const authors = Array.from({ length: 7 }, (_, i) => ({
      id: uuid(),
      email: `author${i}@example.test`,
      display_name: `Author ${i}`,
    }));
    await insertRows(db, 'identity.users', authors);
    const venues = ['Leeds City Centre Training Venue', 'Sheffield Business Park', 'York Conference Centre'].map((name) => ({ id: uuid(), name }));
    await insertRows(db, 'scheduling.venues', venues);

    const courses: Record<string, unknown>[] = [];
    const prices: Record<string, unknown>[] = [];
    const sessions: Record<string, unknown>[] = [];
    const now = Date.now();
    for (let i = 0; i < 130; i++) {
      const id = uuid();
      const author = authors[i % authors.length]!;
      const status = i % 13 === 5 ? 'DRAFT' : 'PUBLISHED';
      const title = `Course ${String(i).padStart(3, '0')}`;
      courses.push({ id, slug: `course-${i}`, title, level: 'BEGINNER', language: 'en-GB', status, author_id: author.id, published_at: status === 'PUBLISHED' ? new Date(now - i * DAY) : null });
      const amount = i % 4 === 0 ? null : 5000 + i * 25;
      if (amount !== null) prices.push({ course_id: id, amount_minor: amount, currency: 'GBP' });
      // Seven sessions for some courses: only the next five upcoming are listed; past and cancelled ones never.
      const own: { startsAt: Date; venue: string | null }[] = [];
      if (i % 3 !== 0) {
        for (let k = 0; k < 7; k++) {
          const venue = k % 4 === 3 ? null : venues[(i + k) % venues.length]!;
          const startsAt = new Date(now + (k + 1) * DAY + i * 60_000);
          // One minute long, a minute apart per course: a venue holds one session at a time.
          sessions.push({ course_id: id, venue_id: venue?.id ?? null, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 60_000), capacity: 12, status: 'SCHEDULED' });
          own.push({ startsAt, venue: venue?.name ?? null });
        }
        sessions.push({ course_id: id, venue_id: venues[0]!.id, starts_at: new Date(now - 2 * DAY + i * 60_000), ends_at: new Date(now - 2 * DAY + (i + 1) * 60_000), capacity: 12, status: 'COMPLETED' });
        sessions.push({ course_id: id, venue_id: venues[0]!.id, starts_at: new Date(now + 3600_000), ends_at: new Date(now + 7200_000), capacity: 12, status: 'CANCELLED' });
      }
      if (status === 'PUBLISHED') {
        published.push({
          id,
          title,
          author: author.display_name,
          price: amount === null ? null : `£${(amount / 100).toFixed(2)}`,
          sessions: own.slice(0, 5).map((s) => ({ startsAt: s.startsAt.toISOString(), venue: s.venue })),
        });
      }
    }
    await insertRows(db, 'learning.courses', courses);
    await insertRows(db, 'commerce.prices', prices);
    for (let i = 0; i < sessions.length; i += 200) await insertRows(db, 'scheduling.training_sessions', sessions.slice(i, i + 200));
  });
  published.sort((a, b) => (a.title < b.title ? -1 : 1));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const expectedNode = (c: FixtureCourse) => ({
  title: c.title,
  author: { displayName: c.author },
  price: c.price === null ? null : { formatted: c.price },
  upcomingSessions: c.sessions.map((s) => ({ startsAt: s.startsAt, venue: s.venue === null ? null : { name: s.venue } })),
});

function snapshotCounts() {
  return Object.fromEntries(
    (Object.keys(stack.subgraphs) as SubgraphName[]).map((name) => [
      name,
      { statements: stack.subgraphs[name].statements(), fetches: stack.subgraphs[name].fetches() },
    ]),
  ) as Record<SubgraphName, { statements: number; fetches: number }>;
}

describe('the catalogue slice through the gateway', () => {
  it.each([1, 20, 100])('returns correct data for first: %i', async (first) => {
    const { status, body } = await stack.query(SLICE, { first });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const data = body.data as { courses: { totalCount: number; edges: { node: unknown }[] } };
    expect(data.courses.totalCount).toBe(published.length);
    expect(data.courses.edges.map((e) => e.node)).toEqual(published.slice(0, first).map(expectedNode));
  });

  it.each([1, 20, 100])('sends one SQL statement per subgraph fetch at first: %i', async (first) => {
    const before = snapshotCounts();
    const { body } = await stack.query(SLICE, { first });
    expect(body.errors).toBeUndefined();
    const after = snapshotCounts();
    const used = (Object.keys(after) as SubgraphName[])
      .map((name) => ({
        name,
        fetches: after[name].fetches - before[name].fetches,
        statements: after[name].statements - before[name].statements,
      }))
      .filter((s) => s.fetches > 0 || s.statements > 0);
    // The plan: courses from learning, then authors (identity), prices (commerce) and sessions (scheduling).
    expect(used.map((s) => s.name).sort()).toEqual(['commerce', 'identity', 'learning', 'scheduling']);
    for (const subgraph of used) expect(subgraph).toEqual({ name: subgraph.name, fetches: 1, statements: 1 });
  });
});

describe('with the subgraphs in the gateway\'s process', () => {
  async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return { status: response.status, text: await response.text() };
  }

  it('answers exactly as over HTTP, with the same statements and no HTTP request to a subgraph', async () => {
    const inProcess = await stack.startInProcessGateway();
    for (const first of [1, 20, 100]) {
      const overHttp = await post(stack.gateway.url, SLICE, { first });
      const before = snapshotCounts();
      const here = await post(inProcess.url, SLICE, { first });
      const after = snapshotCounts();
      expect(here).toEqual(overHttp);
      expect(JSON.parse(here.text).data.courses.edges).toHaveLength(Math.min(first, published.length));
      for (const name of Object.keys(after) as SubgraphName[]) {
        expect({ name, fetches: after[name].fetches - before[name].fetches }).toEqual({ name, fetches: 0 });
        const statements = after[name].statements - before[name].statements;
        expect({ name, statements }).toEqual({ name, statements: ['learning', 'identity', 'commerce', 'scheduling'].includes(name) ? 1 : 0 });
      }
    }
  });

  it("hands each request's viewer to the subgraphs, and their errors come back as over HTTP", async () => {
    const inProcess = await stack.startInProcessGateway();
    const user = await signUpUser(stack, 'Inproc');
    const ME = 'query { me { id email displayName } }';
    const mine = await post(inProcess.url, ME, {}, { authorization: `Bearer ${user.accessToken}` });
    expect(JSON.parse(mine.text)).toEqual({ data: { me: { id: user.id, email: user.email, displayName: user.displayName } } });
    for (const [query, variables, headers] of [
      [ME, {}, {}],
      [SLICE, { first: -1 }, {}],
      ['mutation($i: UpdateProfileInput!) { updateMyProfile(input: $i) { displayName } }', { i: { firstName: '' } }, { authorization: `Bearer ${user.accessToken}` }],
    ] as const) {
      const overHttp = await post(stack.gateway.url, query, variables, headers);
      const here = await post(inProcess.url, query, variables, headers);
      expect(here).toEqual(overHttp);
      const codes = (JSON.parse(here.text).errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code);
      expect(codes.length === 0 || codes.every((c: string | undefined) => c === ErrorCode.BAD_USER_INPUT || c === ErrorCode.UNAUTHENTICATED)).toBe(true);
    }
  });
});
