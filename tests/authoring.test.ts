import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminRows } from './support/fixtures.js';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let author: SignedUpUser;
let learner: SignedUpUser;

const withRoles = (name: string, roles: string[]) => signUpWithRoles(stack, name, roles);

beforeAll(async () => {
  stack = await startStack();
  author = await withRoles('Author', ['LEARNER', 'CONTENT_AUTHOR']);
  learner = await signUpUser(stack, 'Learner');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('course authoring through the gateway', () => {
  it('creates, outlines and publishes a course that learners then find, with its author resolved by identity', async () => {
    const { createCourse } = await as<{ createCourse: { id: string; slug: string; status: string; author: { displayName: string } } }>(
      stack,
      author,
      `mutation($input: CreateCourseInput!) { createCourse(input: $input) { id slug status author { displayName } } }`,
      { input: { title: 'Working at Height', level: 'INTERMEDIATE', language: 'en-GB', durationMinutes: 240, certificateValidityMonths: 36 } },
    );
    expect(createCourse).toMatchObject({ slug: 'working-at-height', status: 'DRAFT', author: { displayName: author.displayName } });
    const find = `query($slug: String!) { course(slug: $slug) { id status lessonCount } }`;
    expect(await as(stack, learner, find, { slug: 'working-at-height' })).toEqual({ course: null });

    const { addModule } = await as<{ addModule: { id: string } }>(stack, author, `mutation($c: ID!) { addModule(courseId: $c, title: "Planning") { id } }`, { c: createCourse.id });
    await as(stack, author, `mutation($m: ID!) { addLesson(moduleId: $m, input: { title: "Risk assessment", kind: VIDEO, durationMinutes: 20 }) { id } }`, { m: addModule.id });
    const { publishCourse } = await as<{ publishCourse: { status: string } }>(stack, author, `mutation($id: ID!) { publishCourse(id: $id) { status } }`, { id: createCourse.id });
    expect(publishCourse.status).toBe('PUBLISHED');
    expect(await as(stack, learner, find, { slug: 'working-at-height' })).toEqual({ course: { id: createCourse.id, status: 'PUBLISHED', lessonCount: 1 } });
    expect(await adminRows(stack.database.adminUrl, `SELECT type FROM learning.outbox WHERE aggregate_id = $1`, [createCourse.id])).toEqual([{ type: 'CoursePublished' }]);
  });

  it('refuses a learner (FORBIDDEN) and an anonymous caller (UNAUTHENTICATED)', async () => {
    const create = `mutation { createCourse(input: { title: "Not allowed", level: BEGINNER, language: "en" }) { id } }`;
    const byLearner = await stack.query(create, {}, { authorization: `Bearer ${learner.accessToken}` });
    expect(byLearner.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await stack.query(create);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await adminRows(stack.database.adminUrl, `SELECT 1 FROM learning.courses WHERE title = 'Not allowed'`)).toEqual([]);
  });
});
