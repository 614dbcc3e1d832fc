import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entitiesQuery, startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { buildCommerceSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildCommerceSubgraph>>;
const efaw = randomUUID();
const yen = randomUUID();
const free = randomUUID();

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildCommerceSubgraph, 'academy_commerce');
  const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  await admin.query(`INSERT INTO commerce.prices (course_id, amount_minor, currency) VALUES ($1, 7500, 'GBP'), ($2, 1200, 'JPY')`, [efaw, yen]);
  await admin.end();
});

afterAll(async () => {
  await subgraph?.stop();
});

describe('commerce: Course.price', () => {
  it('prices courses in minor units with their currency, null for free ones, in one statement', async () => {
    const before = subgraph.service.database.statements.inRequests;
    const { body } = await subgraph.request<{ _entities: unknown[] }>(entitiesQuery('Course', 'id price { amountMinor currency formatted }'), {
      representations: [efaw, free, yen].map((id) => ({ __typename: 'Course', id })),
    });
    expect(body.errors).toBeUndefined();
    expect(subgraph.service.database.statements.inRequests - before).toBe(1);
    expect(body.data!._entities).toEqual([
      { id: efaw, price: { amountMinor: 7500, currency: 'GBP', formatted: '£75.00' } },
      { id: free, price: null },
      { id: yen, price: { amountMinor: 1200, currency: 'JPY', formatted: 'JP¥1,200' } },
    ]);
  });
});
