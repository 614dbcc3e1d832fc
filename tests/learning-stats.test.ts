import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const STATS = /* GraphQL */ `
  query Stats($range: TimeRange!, $granularity: Granularity!, $courseId: ID) {
    enrollmentStats(range: $range, granularity: $granularity, courseId: $courseId) { metric total points { bucket value } }
  }
`;
const PATHS = /* GraphQL */ `
  query Paths { learningPaths { name courses { title } viewerProgress { completedCourses totalCourses percent } } }
`;

let stack: TestStack;
let analyst: SignedUpUser;
let learner: SignedUpUser;
const [course, next] = [uuid(), uuid()];
const path = uuid();
const range = { from: '2002-06-30T00:00:00Z', to: '2002-07-03T00:00:00Z' };

beforeAll(async () => {
  // Each figure here counts one or a few users: a minimum group of 1 shows every bucket as counted
  // (withholding is tested in figures.test.ts).
  stack = await startStack({ minGroupSize: 1 });
  analyst = await signUpWithRoles(stack, 'Analyst', ['ANALYST']);
  learner = await signUpUser(stack, 'Learner');
  await withAdmin(stack.database.adminUrl, async (db) => {
    await insertRows(db, 'learning.courses', [
      { id: course, slug: 'stats-gw', title: 'Basics', level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date() },
      { id: next, slug: 'stats-gw-next', title: 'Beyond', level: 'INTERMEDIATE', language: 'en-GB', status: 'PUBLISHED', published_at: new Date() },
    ]);
    await insertRows(db, 'learning.enrollments', [
      { user_id: learner.id, course_id: course, status: 'COMPLETED', progress_percent: 100, enrolled_at: '2002-07-01T23:59:00Z' },
      { user_id: uuid(), course_id: next, status: 'ACTIVE', progress_percent: 0, enrolled_at: '2002-06-30T08:00:00Z' },
    ]);
    await insertRows(db, 'learning.learning_paths', [{ id: path, slug: 'gw-path', name: 'Gateway path', status: 'PUBLISHED' }]);
    await insertRows(db, 'learning.learning_path_courses', [
      { path_id: path, course_id: next, position: 2 },
      { path_id: path, course_id: course, position: 1 },
    ]);
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('learning figures and paths through the gateway', () => {
  it('answers enrollmentStats to an analyst, per UTC day with empty days, and refuses a learner', async () => {
    const answer = await as<{ enrollmentStats: unknown }>(stack, analyst, STATS, { range, granularity: 'DAY' });
    expect(answer.enrollmentStats).toEqual({
      metric: 'enrollments',
      total: 2,
      points: [
        { bucket: '2002-06-30T00:00:00.000Z', value: 1 },
        { bucket: '2002-07-01T00:00:00.000Z', value: 1 },
        { bucket: '2002-07-02T00:00:00.000Z', value: 0 },
      ],
    });
    const refused = await stack.query(STATS, { range, granularity: 'DAY' }, { authorization: `Bearer ${learner.accessToken}` });
    expect(refused.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const anonymous = await stack.query(STATS, { range, granularity: 'DAY' });
    expect(anonymous.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('lists learning paths in order with the signed-in learner\'s progress', async () => {
    const mine = await as<{ learningPaths: unknown[] }>(stack, learner, PATHS);
    expect(mine.learningPaths).toEqual([
      { name: 'Gateway path', courses: [{ title: 'Basics' }, { title: 'Beyond' }], viewerProgress: { completedCourses: 1, totalCourses: 2, percent: 50 } },
    ]);
    const anonymous = await stack.query<{ learningPaths: { viewerProgress: unknown }[] }>(PATHS);
    expect(anonymous.body.data!.learningPaths[0]!.viewerProgress).toBeNull();
  });
});
