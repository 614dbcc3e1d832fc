import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import type { Viewer } from '@academy/service-kit';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { buildLearningSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildLearningSubgraph>>;
let admin: pg.Client;
const course = randomUUID();
const other = randomUUID();

const STATS = `query($range: TimeRange!, $granularity: Granularity!, $courseId: ID) {
  enrollmentStats(range: $range, granularity: $granularity, courseId: $courseId) { metric total points { bucket value } }
}`;
type Series = { metric: string; total: number; points: { bucket: string; value: number }[] };
const analyst: Viewer = { userId: randomUUID(), roles: ['ANALYST'] };

async function stats(variables: Record<string, unknown>, viewer: Viewer | null = analyst) {
  return (await subgraph.request<{ enrollmentStats: Series }>(STATS, variables, { viewer })).body;
}
const series = (points: [string, number][]) => points.map(([bucket, value]) => ({ bucket, value }));

beforeAll(async () => {
  // Every enrollment here is a learner of their own: a minimum group of 1 shows each bucket as
  // counted (withholding is tested through the gateway, in tests/figures.test.ts).
  subgraph = await startTestSubgraph((options) => buildLearningSubgraph({ ...options, minGroupSize: 1 }), 'academy_learning');
  admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  // A session zone far from UTC for the subgraph's connections: buckets must still be cut in UTC.
  await admin.query(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'Pacific/Auckland'); END $$`);
  await admin.query(
    `INSERT INTO learning.courses (id, slug, title, level, language, status, published_at)
     VALUES ($1, 'stats-course', 'Stats', 'BEGINNER', 'en-GB', 'PUBLISHED', now()), ($2, 'stats-other', 'Other', 'BEGINNER', 'en-GB', 'PUBLISHED', now())`,
    [course, other],
  );
  const enrolled: [string, string][] = [
    [course, '2001-03-05T00:00:00Z'], // Monday
    [course, '2001-03-05T23:59:00Z'], // still Monday in UTC (Tuesday east of it)
    [other, '2001-03-06T00:00:00Z'], // Tuesday
    [course, '2001-03-11T23:59:59Z'], // Sunday: same ISO week as Monday the 5th
    [course, '2001-03-12T00:00:00Z'], // next Monday
    [other, '2001-04-02T10:00:00Z'],
  ];
  for (const [courseId, at] of enrolled) {
    await admin.query(`INSERT INTO learning.enrollments (user_id, course_id, enrolled_at) VALUES ($1, $2, $3)`, [randomUUID(), courseId, at]);
  }
});

afterAll(async () => {
  await admin?.end();
  await subgraph?.stop();
});

describe('enrollmentStats', () => {
  it('counts per UTC day, every day present, empty ones 0', async () => {
    const { data, errors } = await stats({ range: { from: '2001-03-04T00:00:00Z', to: '2001-03-08T00:00:00Z' }, granularity: 'DAY' });
    expect(errors).toBeUndefined();
    expect(data!.enrollmentStats).toEqual({
      metric: 'enrollments',
      total: 3,
      points: series([
        ['2001-03-04T00:00:00.000Z', 0],
        ['2001-03-05T00:00:00.000Z', 2],
        ['2001-03-06T00:00:00.000Z', 1],
        ['2001-03-07T00:00:00.000Z', 0],
      ]),
    });
  });

  it('starts weeks on Monday and filters by course', async () => {
    const range = { from: '2001-03-01T00:00:00Z', to: '2001-03-19T00:00:00Z' };
    const all = await stats({ range, granularity: 'WEEK' });
    expect(all.data!.enrollmentStats.points).toEqual(
      series([
        ['2001-02-26T00:00:00.000Z', 0],
        ['2001-03-05T00:00:00.000Z', 4],
        ['2001-03-12T00:00:00.000Z', 1],
      ]),
    );
    const one = await stats({ range, granularity: 'WEEK', courseId: course });
    expect(one.data!.enrollmentStats.points.map((p) => p.value)).toEqual([0, 3, 1]);
    expect(one.data!.enrollmentStats.total).toBe(4);
  });

  it('counts per month, only within the range', async () => {
    const { data } = await stats({ range: { from: '2001-03-05T12:00:00Z', to: '2001-05-01T00:00:00Z' }, granularity: 'MONTH' });
    // The enrollment at 00:00 on the 5th is before the range.
    expect(data!.enrollmentStats.points).toEqual(
      series([
        ['2001-03-01T00:00:00.000Z', 4],
        ['2001-04-01T00:00:00.000Z', 1],
      ]),
    );
  });

  it('is for ANALYST and ADMIN only', async () => {
    const range = { from: '2001-03-04T00:00:00Z', to: '2001-03-08T00:00:00Z' };
    const asAdmin = await stats({ range, granularity: 'DAY' }, { userId: randomUUID(), roles: ['ADMIN'] });
    expect(asAdmin.data!.enrollmentStats.total).toBe(3);
    const learner = await stats({ range, granularity: 'DAY' }, { userId: randomUUID(), roles: ['LEARNER'] });
    expect(learner.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const anonymous = await stats({ range, granularity: 'DAY' }, null);
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['from after to', { from: '2001-03-08T00:00:00Z', to: '2001-03-04T00:00:00Z' }, 'DAY'],
    ['an empty range', { from: '2001-03-08T00:00:00Z', to: '2001-03-08T00:00:00Z' }, 'DAY'],
    ['too many days', { from: '2000-01-01T00:00:00Z', to: '2001-03-01T00:00:00Z' }, 'DAY'],
    ['too many months', { from: '1980-01-01T00:00:00Z', to: '2001-03-01T00:00:00Z' }, 'MONTH'],
  ])('refuses %s with BAD_USER_INPUT', async (_, range, granularity) => {
    const { data, errors } = await stats({ range, granularity });
    expect(data).toBeNull();
    expect(errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a course ID that is not one', async () => {
    const { errors } = await stats({ range: { from: '2001-03-04T00:00:00Z', to: '2001-03-08T00:00:00Z' }, granularity: 'DAY', courseId: 'nope' });
    expect(errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});
