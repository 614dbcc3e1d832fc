import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import pg from 'pg';
import { buildLearningSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildLearningSubgraph>>;

type Page = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { slug: string } }[] };

const SEARCH = `query($search: String!, $first: Int, $after: String) {
  courses(filter: { search: $search }, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { slug } } } }`;

async function search(term: string, first = 20, after: string | null = null): Promise<Page> {
  const response = await subgraph.request<{ courses: Page }>(SEARCH, { search: term, first, after });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.courses;
}

const slugs = (page: Page) => page.edges.map((edge) => edge.node.slug);

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildLearningSubgraph, 'academy_learning');
  const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  const courses: [string, string, string | null, string | null, string][] = [
    ['described-ladders', 'A day at height', null, 'Ladders, scaffolds and harnesses.', 'en-GB'],
    ['titled-ladders', 'Ladders in practice', null, 'Working at height safely.', 'en-GB'],
    ['run-a-meeting', 'Run a meeting', 'Agendas and minutes', null, 'en-GB'],
    ['kinder-erste-hilfe', 'Erste Hilfe bei Kindern', null, null, 'de'],
    ['draft-ladders', 'Ladders for drafts', null, null, 'en'],
  ];
  for (const [slug, title, summary, description, language] of courses) {
    await admin.query(
      `INSERT INTO learning.courses (slug, title, summary, description, level, language, status, published_at)
       VALUES ($1, $2, $3, $4, 'BEGINNER', $5, $6, now())`,
      [slug, title, summary, description, language, slug.startsWith('draft') ? 'DRAFT' : 'PUBLISHED'],
    );
  }
  // Many courses matching one word with different strengths, to page through a ranked list.
  for (let i = 0; i < 13; i++) {
    await admin.query(
      `INSERT INTO learning.courses (slug, title, summary, description, level, language, status, published_at)
       VALUES ($1, $2, $3, $4, 'BEGINNER', 'en', 'PUBLISHED', now())`,
      [`fire-${i}`, i % 3 === 0 ? `Fire safety ${i}` : `Course ${i}`, i % 3 === 1 ? 'Fire drills' : null, i % 3 === 2 ? 'About fire.' : null],
    );
  }
  await admin.end();
});

afterAll(async () => {
  await subgraph?.stop();
});

describe('catalogue search', () => {
  it('ranks a title match above a description match', async () => {
    expect(slugs(await search('ladders'))).toEqual(['titled-ladders', 'described-ladders']);
  });

  it('stems English courses: "running" finds a course titled "Run …"', async () => {
    expect(slugs(await search('running'))).toEqual(['run-a-meeting']);
  });

  it('stems German courses with the German dictionary', async () => {
    // "Kind" is the German stem of "Kindern"; the simple configuration would not match it.
    expect(slugs(await search('Kind'))).toEqual(['kinder-erste-hilfe']);
  });

  it('answers a search of stop words or punctuation with an empty page', async () => {
    for (const term of ['the and of', '!!! ...', '"" - |']) {
      const page = await search(term);
      expect(page).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    }
  });

  it('pages through a ranked search giving every match once, in one statement per page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const before = subgraph.service.database.statements.inRequests;
      const page: Page = await search('fire', 4, after);
      expect(subgraph.service.database.statements.inRequests - before).toBe(1);
      expect(page.totalCount).toBe(13);
      seen.push(...slugs(page));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
    // Title matches first, then summary, then description.
    expect(seen.slice(0, 5).every((slug) => Number(slug.slice(5)) % 3 === 0)).toBe(true);
    expect(seen.slice(9).every((slug) => Number(slug.slice(5)) % 3 === 2)).toBe(true);
  });

  it('keeps an explicit order when one is given', async () => {
    const response = await subgraph.request<{ courses: Page }>(
      `{ courses(filter: { search: "ladders" }, orderBy: { field: TITLE, direction: ASC }) { edges { node { slug } } } }`,
    );
    expect(response.body.errors).toBeUndefined();
    expect(slugs(response.body.data!.courses)).toEqual(['described-ladders', 'titled-ladders']);
  });

  it('refuses a relevance cursor in a list sorted another way', async () => {
    const first = await search('fire', 2);
    const response = await subgraph.request(
      `query($after: String) { courses(filter: { search: "fire" }, orderBy: { field: TITLE, direction: ASC }, after: $after) { totalCount } }`,
      { after: first.pageInfo.endCursor },
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
