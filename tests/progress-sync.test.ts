import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpUser, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const SYNC = /* GraphQL */ `
  mutation Sync($entries: [LessonProgressInput!]!) {
    syncLessonProgress(entries: $entries) { lesson { id title } progressPercent completedAt }
  }
`;
const COURSE = /* GraphQL */ `
  query Course($id: ID!) {
    course(id: $id) {
      viewerEnrollment { progressPercent lessonProgress { lesson { id } progressPercent } }
      modules { lessons { id viewerProgress { progressPercent completedAt } } }
    }
  }
`;

let stack: TestStack;
let ada: SignedUpUser;
let bob: SignedUpUser;
const course = uuid();
const lessons = [uuid(), uuid()];
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

beforeAll(async () => {
  stack = await startStack();
  [ada, bob] = [await signUpUser(stack, 'Ada'), await signUpUser(stack, 'Bob')];
  const module = uuid();
  await withAdmin(stack.database.adminUrl, async (db) => {
    await insertRows(db, 'learning.courses', [{ id: course, slug: 'offline-course', title: 'Offline', level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date() }]);
    await insertRows(db, 'learning.modules', [{ id: module, course_id: course, title: 'Only', position: 1 }]);
    await insertRows(db, 'learning.lessons', lessons.map((id, i) => ({ id, module_id: module, title: `Lesson ${i + 1}`, kind: 'TEXT', position: i + 1 })));
    // Enrolling is not an operation yet: Ada is enrolled directly.
    await insertRows(db, 'learning.enrollments', [{ user_id: ada.id, course_id: course }]);
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('offline progress through the gateway', () => {
  it("syncs a device's batch out of order and shows the progress to the learner only", async () => {
    await as(stack, ada, SYNC, { entries: [{ lessonId: lessons[0], progressPercent: 100, recordedAt: at(20) }] });
    const answer = await as<{ syncLessonProgress: unknown[] }>(stack, ada, SYNC, {
      entries: [
        { lessonId: lessons[1], progressPercent: 80, recordedAt: at(5) },
        { lessonId: lessons[0], progressPercent: 10, recordedAt: at(10) },
        { lessonId: lessons[1], progressPercent: 30, recordedAt: at(15) },
      ],
    });
    expect(answer.syncLessonProgress).toMatchObject([
      { lesson: { id: lessons[1], title: 'Lesson 2' }, progressPercent: 80, completedAt: null },
      { lesson: { id: lessons[0], title: 'Lesson 1' }, progressPercent: 100 },
    ]);

    const mine = await as<{ course: any }>(stack, ada, COURSE, { id: course });
    expect(mine.course.viewerEnrollment).toEqual({
      progressPercent: 50,
      lessonProgress: [
        { lesson: { id: lessons[0] }, progressPercent: 100 },
        { lesson: { id: lessons[1] }, progressPercent: 80 },
      ],
    });
    expect(mine.course.modules[0].lessons.map((l: any) => l.viewerProgress?.progressPercent)).toEqual([100, 80]);

    const theirs = await as<{ course: any }>(stack, bob, COURSE, { id: course });
    expect(theirs.course.viewerEnrollment).toBeNull();
    expect(theirs.course.modules[0].lessons.map((l: any) => l.viewerProgress)).toEqual([null, null]);
    const anonymous = await stack.query<{ course: any }>(COURSE, { id: course });
    expect(anonymous.body.data!.course.modules[0].lessons.map((l: any) => l.viewerProgress)).toEqual([null, null]);
  });

  it('refuses a learner who is not enrolled, naming the lessons, and anonymous callers', async () => {
    const { body } = await stack.query(SYNC, { entries: [{ lessonId: lessons[0], progressPercent: 5, recordedAt: at(1) }] }, { authorization: `Bearer ${bob.accessToken}` });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', lessonIds: [lessons[0]] });
    const anonymous = await stack.query(SYNC, { entries: [{ lessonId: lessons[0], progressPercent: 5, recordedAt: at(1) }] });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
