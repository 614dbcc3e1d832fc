import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertRows, uuid, withAdmin } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

const SEARCH = /* GraphQL */ `
  query Search($search: String!, $first: Int, $after: String) {
    courses(filter: { search: $search }, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { slug title } }
    }
  }
`;

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { slug: string; title: string } }[];
}

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
  await withAdmin(stack.database.adminUrl, async (db) => {
    const course = (slug: string, title: string, description: string | null, language: string) => ({
      id: uuid(), slug, title, description, level: 'BEGINNER', language, status: 'PUBLISHED', published_at: new Date(),
    });
    await insertRows(db, 'learning.courses', [
      course('a-manual-handling', 'Manual handling', 'Lifting loads without running into trouble.', 'en-GB'),
      course('running-a-toolbox-talk', 'Running a toolbox talk', null, 'en-GB'),
      course('erste-hilfe-kinder', 'Erste Hilfe bei Kindern', null, 'de'),
      ...Array.from({ length: 7 }, (_, i) => course(`risk-${i}`, i % 2 ? `Risk ${i}` : `Course ${i}`, i % 2 ? null : 'Risk assessment.', 'en')),
    ]);
  });
});

afterAll(async () => {
  await stack?.stop();
});

async function search(term: string, first = 10, after: string | null = null): Promise<Page> {
  const { status, body } = await stack.query<{ courses: Page }>(SEARCH, { search: term, first, after });
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data!.courses;
}

describe('catalogue search through the gateway', () => {
  it('ranks a title match above a description match, stemmed in English, in one statement', async () => {
    const before = stack.subgraphs.learning.statements();
    const page = await search('run');
    expect(stack.subgraphs.learning.statements() - before).toBe(1);
    expect(page.edges.map((edge) => edge.node.slug)).toEqual(['running-a-toolbox-talk', 'a-manual-handling']);
    expect(page.totalCount).toBe(2);
  });

  it('stems a German course with the German dictionary', async () => {
    expect((await search('Kind')).edges.map((edge) => edge.node.slug)).toEqual(['erste-hilfe-kinder']);
  });

  it('answers stop words only with an empty page', async () => {
    expect(await search('the of and')).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it('pages a ranked search without duplicates or gaps', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = await search('risk', 3, after);
      expect(page.totalCount).toBe(7);
      seen.push(...page.edges.map((edge) => edge.node.slug));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect([...seen].sort()).toEqual(Array.from({ length: 7 }, (_, i) => `risk-${i}`));
    // Title matches (odd) before description matches (even).
    expect(seen.slice(0, 3).every((slug) => Number(slug.slice(5)) % 2 === 1)).toBe(true);
  });
});
