import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import pg from 'pg';
import { buildAiAnalyticsSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildAiAnalyticsSubgraph>>;
const TRACK = 'mutation($events: [AnalyticsEventInput!]!) { trackEvents(events: $events) }';

async function storedEvents(): Promise<{ name: string; anonymous_id: string | null; properties: unknown; user_id: string | null }[]> {
  const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  try {
    return (await admin.query('SELECT name, anonymous_id, properties, user_id FROM ai_analytics.analytics_events ORDER BY id')).rows;
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildAiAnalyticsSubgraph, 'academy_ai_analytics');
});

afterAll(async () => {
  await subgraph?.stop();
});

describe('trackEvents', () => {
  it('stores a batch of anonymous events in one statement and returns the count', async () => {
    // In requests only: identity's event consumer polls on the background instance meanwhile.
    const before = subgraph.service.database.statements.inRequests;
    const { body } = await subgraph.request<{ trackEvents: number }>(TRACK, {
      events: [
        { name: 'page_view', anonymousId: 'anon-visitor-1', properties: { path: '/courses' } },
        { name: 'course_viewed', anonymousId: 'anon-visitor-1', occurredAt: new Date(Date.now() - 60_000).toISOString(), properties: { courseId: 'x' } },
      ],
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!.trackEvents).toBe(2);
    expect(subgraph.service.database.statements.inRequests - before).toBe(1);
    expect(await storedEvents()).toEqual([
      { name: 'page_view', anonymous_id: 'anon-visitor-1', properties: { path: '/courses' }, user_id: null },
      { name: 'course_viewed', anonymous_id: 'anon-visitor-1', properties: { courseId: 'x' }, user_id: null },
    ]);
  });

  it('refuses a batch with any bad event and stores none of it', async () => {
    const before = (await storedEvents()).length;
    const cases: unknown[][] = [
      [{ name: 'ok', anonymousId: 'visitor-a' }, { name: '1bad', anonymousId: 'visitor-a' }],
      [{ name: 'ok', anonymousId: 'visitor-a' }, { name: 'no_actor' }],
      [{ name: 'future', anonymousId: 'visitor-a', occurredAt: new Date(Date.now() + 3600_000).toISOString() }],
      [{ name: 'ancient', anonymousId: 'visitor-a', occurredAt: '2020-01-01T00:00:00Z' }],
      [{ name: 'list_props', anonymousId: 'visitor-a', properties: [1, 2] }],
      [{ name: 'huge', anonymousId: 'visitor-a', properties: { blob: 'x'.repeat(5000) } }],
      [{ name: 'short_anonymous_id', anonymousId: 'a' }],
      [{ name: 'spaced_client_id', anonymousId: 'visitor-a', clientEventId: 'has space' }],
      Array.from({ length: 1001 }, () => ({ name: 'many', anonymousId: 'visitor-a' })),
    ];
    for (const events of cases) {
      const { body } = await subgraph.request(TRACK, { events });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const invalidDate = await subgraph.request(TRACK, { events: [{ name: 'x', anonymousId: 'visitor-a', occurredAt: 'yesterday' }] });
    expect(invalidDate.body.errors?.length).toBeGreaterThan(0);
    expect((await storedEvents()).length).toBe(before);
  });
});
