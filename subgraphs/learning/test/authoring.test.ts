import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { queryRows, startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import type { Viewer } from '@academy/service-kit';
import { randomUUID } from 'node:crypto';
import { buildLearningSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildLearningSubgraph>>;
const author: Viewer = { userId: randomUUID(), roles: ['CONTENT_AUTHOR'] };
const otherAuthor: Viewer = { userId: randomUUID(), roles: ['CONTENT_AUTHOR'] };
const admin: Viewer = { userId: randomUUID(), roles: ['ADMIN'] };
const learner: Viewer = { userId: randomUUID(), roles: ['LEARNER'] };

type Errors = { message: string; extensions?: { code?: string; field?: string } }[] | undefined;

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildLearningSubgraph, 'academy_learning');
});

afterAll(async () => {
  await subgraph?.stop();
});

const rows = <T extends Record<string, unknown>>(text: string, values: unknown[] = []) => queryRows<T>(subgraph.database.adminUrl, text, values);

async function call<T = any>(query: string, variables: Record<string, unknown>, viewer: Viewer | null): Promise<{ data?: T; errors?: Errors }> {
  return (await subgraph.request<T>(query, variables, { viewer })).body as { data?: T; errors?: Errors };
}

const CREATE = `mutation($input: CreateCourseInput!) { createCourse(input: $input) { id slug title status language author { id } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateCourseInput!) { updateCourse(id: $id, input: $input) { id slug title } }`;
const PUBLISH = `mutation($id: ID!) { publishCourse(id: $id) { id status publishedAt lessonCount } }`;
const ARCHIVE = `mutation($id: ID!) { archiveCourse(id: $id) { id status } }`;
const ADD_MODULE = `mutation($courseId: ID!, $title: String!) { addModule(courseId: $courseId, title: $title) { id position } }`;
const ADD_LESSON = `mutation($moduleId: ID!, $input: AddLessonInput!) { addLesson(moduleId: $moduleId, input: $input) { id position } }`;
const MOVE_MODULE = `mutation($id: ID!, $position: Int!) { moveModule(id: $id, position: $position) { id position } }`;
const MOVE_LESSON = `mutation($id: ID!, $position: Int!) { moveLesson(id: $id, position: $position) { id position } }`;

async function createCourse(title: string, viewer: Viewer = author, extra: Record<string, unknown> = {}) {
  const result = await call(CREATE, { input: { title, level: 'BEGINNER', language: 'en-GB', ...extra } }, viewer);
  expect(result.errors).toBeUndefined();
  return result.data!.createCourse as { id: string; slug: string; title: string; status: string };
}

async function addModule(courseId: string, title = 'Getting started', viewer: Viewer = author) {
  const result = await call(ADD_MODULE, { courseId, title }, viewer);
  expect(result.errors).toBeUndefined();
  return result.data!.addModule as { id: string; position: number };
}

async function addLesson(moduleId: string, title = 'Welcome', viewer: Viewer = author) {
  const result = await call(ADD_LESSON, { moduleId, input: { title, kind: 'TEXT', durationMinutes: 5, body: 'Hello' } }, viewer);
  expect(result.errors).toBeUndefined();
  return result.data!.addLesson as { id: string; position: number };
}

const outboxOf = (courseId: string) =>
  rows<{ type: string; payload: Record<string, unknown> }>(`SELECT type, payload FROM learning.outbox WHERE aggregate_id = $1 ORDER BY tx_id, id`, [courseId]);

describe('course authoring', () => {
  it('creates, outlines and publishes a course, which then is in the catalogue; CoursePublished once', async () => {
    const course = await createCourse('Fire Safety Basics');
    expect(course).toMatchObject({ slug: 'fire-safety-basics', status: 'DRAFT' });
    const catalogue = `{ courses(first: 100) { edges { node { id } } } }`;
    const before = await call<{ courses: { edges: { node: { id: string } }[] } }>(catalogue, {}, learner);
    expect(before.data!.courses.edges.map((e) => e.node.id)).not.toContain(course.id);
    const learnerView = await call(`query($id: ID!) { course(id: $id) { id } }`, { id: course.id }, learner);
    expect(learnerView.data).toEqual({ course: null });

    const module = await addModule(course.id);
    expect(module.position).toBe(1);
    const lesson = await addLesson(module.id);
    expect(lesson.position).toBe(1);
    const published = await call(PUBLISH, { id: course.id }, author);
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishCourse).toMatchObject({ status: 'PUBLISHED', lessonCount: 1 });

    const after = await call<{ courses: { edges: { node: { id: string } }[] } }>(catalogue, {}, learner);
    expect(after.data!.courses.edges.map((e) => e.node.id)).toContain(course.id);

    const again = await call(PUBLISH, { id: course.id }, author);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const events = await outboxOf(course.id);
    expect(events.map((e) => e.type)).toEqual(['CoursePublished']);
    // The course's text for search copies of the catalogue, and no personal data (no author).
    expect(Object.keys(events[0]!.payload).sort()).toEqual(['courseId', 'description', 'language', 'outline', 'publishedAt', 'slug', 'status', 'summary', 'title', 'topicIds']);
    expect(events[0]!.payload.outline).toEqual([{ title: 'Getting started', lessons: ['Welcome'] }]);
    expect(events[0]!.payload).toMatchObject({ courseId: course.id, slug: 'fire-safety-basics', status: 'PUBLISHED', language: 'en-GB' });
  });

  it('refuses to publish a course without lessons, and an archived one; archiving keeps enrollments', async () => {
    const course = await createCourse('Empty Course');
    await addModule(course.id);
    const refused = await call(PUBLISH, { id: course.id }, author);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/lesson/);
    expect((await rows(`SELECT status FROM learning.courses WHERE id = $1`, [course.id]))[0]).toEqual({ status: 'DRAFT' });

    const other = await createCourse('Archived Course');
    await addLesson((await addModule(other.id)).id);
    expect((await call(PUBLISH, { id: other.id }, author)).errors).toBeUndefined();
    await rows(`INSERT INTO learning.enrollments (user_id, course_id) VALUES ($1, $2)`, [learner.userId, other.id]);
    const archived = await call(ARCHIVE, { id: other.id }, author);
    expect(archived.data!.archiveCourse).toMatchObject({ status: 'ARCHIVED' });
    expect(await rows(`SELECT status FROM learning.enrollments WHERE course_id = $1`, [other.id])).toEqual([{ status: 'ACTIVE' }]);
    const republish = await call(PUBLISH, { id: other.id }, author);
    expect(republish.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(republish.errors?.[0]?.message).toMatch(/archived/);
    expect((await outboxOf(course.id)).length).toBe(0);
    expect((await outboxOf(other.id)).map((e) => e.type)).toEqual(['CoursePublished', 'CourseUpdated']);
  });

  it('lets only authors and ADMIN author, and an author only their own courses', async () => {
    const anonymous = await call(CREATE, { input: { title: 'Nobody', level: 'BEGINNER', language: 'en' } }, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const byLearner = await call(CREATE, { input: { title: 'Learner course', level: 'BEGINNER', language: 'en' } }, learner);
    expect(byLearner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await rows(`SELECT 1 FROM learning.courses WHERE title IN ('Nobody', 'Learner course')`)).toEqual([]);

    const course = await createCourse('Mine Only');
    const byOther = await call(UPDATE, { id: course.id, input: { title: 'Taken over' } }, otherAuthor);
    expect(byOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const moduleByOther = await call(ADD_MODULE, { courseId: course.id, title: 'Intruder' }, otherAuthor);
    expect(moduleByOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const publishByOther = await call(PUBLISH, { id: course.id }, otherAuthor);
    expect(publishByOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byAdmin = await call(UPDATE, { id: course.id, input: { title: 'Edited by admin' } }, admin);
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data!.updateCourse).toMatchObject({ title: 'Edited by admin', slug: 'edited-by-admin' });
    expect(await rows(`SELECT count(*)::int AS n FROM learning.modules WHERE course_id = $1`, [course.id])).toEqual([{ n: 0 }]);
    expect((await outboxOf(course.id)).map((e) => e.type)).toEqual(['CourseUpdated']);
  });

  it.each([
    ['input.title', 'too short', { title: 'ab' }],
    ['input.title', 'too long', { title: 'x'.repeat(201) }],
    ['input.summary', 'too long', { summary: 's'.repeat(501) }],
    ['input.description', 'too long', { description: 'd'.repeat(20_001) }],
    ['input.language', 'not a tag', { language: 'english please' }],
    ['input.language', 'an empty subtag', { language: 'en-' }],
    ['input.durationMinutes', 'zero', { durationMinutes: 0 }],
    ['input.durationMinutes', 'too large', { durationMinutes: 100_001 }],
    ['input.certificateValidityMonths', 'zero', { certificateValidityMonths: 0 }],
    ['input.certificateValidityMonths', 'over 120', { certificateValidityMonths: 121 }],
    ['input.slug', 'not a slug', { slug: 'Not A Slug' }],
    ['input.topicIds', 'an unknown topic', { topicIds: [randomUUID()] }],
  ])('refuses %s (%s) with BAD_USER_INPUT and stores nothing', async (field, _case, bad) => {
    const title = `Valid title ${randomUUID()}`;
    const result = await call(CREATE, { input: { title, level: 'BEGINNER', language: 'en', ...bad } }, author);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await rows(`SELECT 1 FROM learning.courses WHERE title = $1 OR title = $2`, [title, (bad as { title?: string }).title ?? ''])).toEqual([]);
  });

  it('refuses bad updates, modules and lessons with their field and stores nothing, no event', async () => {
    const course = await createCourse('Validation Target');
    const module = await addModule(course.id);
    const cases: [string, Record<string, unknown>, string][] = [
      [UPDATE, { id: course.id, input: { title: 'no' } }, 'input.title'],
      [UPDATE, { id: course.id, input: {} }, 'input'],
      [UPDATE, { id: course.id, input: { title: null } }, 'input.title'],
      [UPDATE, { id: course.id, input: { language: 'xx-!' } }, 'input.language'],
      [UPDATE, { id: course.id, input: { topicIds: [randomUUID()] } }, 'input.topicIds'],
      [ADD_MODULE, { courseId: course.id, title: 'x' }, 'title'],
      [ADD_LESSON, { moduleId: module.id, input: { title: 'Fine title', kind: 'TEXT', durationMinutes: -1 } }, 'input.durationMinutes'],
      [MOVE_MODULE, { id: module.id, position: 2 }, 'position'],
    ];
    for (const [query, variables, field] of cases) {
      const result = await call(query, variables, author);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await rows(`SELECT title, language FROM learning.courses WHERE id = $1`, [course.id])).toEqual([{ title: 'Validation Target', language: 'en-GB' }]);
    expect(await rows(`SELECT count(*)::int AS n FROM learning.modules WHERE course_id = $1`, [course.id])).toEqual([{ n: 1 }]);
    expect(await rows(`SELECT count(*)::int AS n FROM learning.lessons WHERE module_id = $1`, [module.id])).toEqual([{ n: 0 }]);
    expect(await outboxOf(course.id)).toEqual([]);
  });

  it('gives courses of the same title distinct slugs, also when created at once, and keeps a published slug', async () => {
    const first = await createCourse('Manual Handling');
    const second = await createCourse('Manual Handling');
    const concurrent = await Promise.all(Array.from({ length: 6 }, () => createCourse('Manual Handling', otherAuthor)));
    const slugs = [first, second, ...concurrent].map((c) => c.slug);
    expect(new Set(slugs).size).toBe(8);
    expect(slugs.slice(0, 2)).toEqual(['manual-handling', 'manual-handling-2']);
    for (const slug of slugs) expect(slug).toMatch(/^manual-handling(-[2-8])?$/);
    const explicit = await call(CREATE, { input: { title: 'Another Title', slug: 'manual-handling', level: 'BEGINNER', language: 'en' } }, author);
    expect(explicit.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await rows(`SELECT 1 FROM learning.courses WHERE title = 'Another Title'`)).toEqual([]);

    await addLesson((await addModule(first.id)).id);
    expect((await call(PUBLISH, { id: first.id }, author)).errors).toBeUndefined();
    const renamed = await call(UPDATE, { id: first.id, input: { title: 'Manual Handling at Work' } }, author);
    expect(renamed.data!.updateCourse).toMatchObject({ title: 'Manual Handling at Work', slug: 'manual-handling' });
    const events = await outboxOf(first.id);
    expect(events.map((e) => e.type)).toEqual(['CoursePublished', 'CourseUpdated']);
    expect(events[1]!.payload).toMatchObject({ title: 'Manual Handling at Work', slug: 'manual-handling', status: 'PUBLISHED' });
  });

  it('publishes once when two publishes race: one succeeds, the other is a CONFLICT, one event', async () => {
    const course = await createCourse('Raced Publication');
    await addLesson((await addModule(course.id)).id);
    const results = await Promise.all([call(PUBLISH, { id: course.id }, author), call(PUBLISH, { id: course.id }, admin)]);
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual(['CONFLICT']);
    expect((await outboxOf(course.id)).map((e) => e.type)).toEqual(['CoursePublished']);
  });

  it('appends modules and lessons at dense positions when added at once', async () => {
    const course = await createCourse('Concurrent Outline');
    const modules = await Promise.all(Array.from({ length: 6 }, (_, i) => addModule(course.id, `Part ${i + 1}`)));
    expect(modules.map((m) => m.position).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const lessons = await Promise.all(Array.from({ length: 6 }, (_, i) => addLesson(modules[0]!.id, `Step ${i + 1}`)));
    expect(lessons.map((l) => l.position).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps module and lesson positions dense under concurrent moves', async () => {
    const course = await createCourse('Reordering');
    const modules = [];
    for (let i = 1; i <= 5; i++) modules.push(await addModule(course.id, `Module ${i}`));
    const lessons = [];
    for (let i = 1; i <= 5; i++) lessons.push(await addLesson(modules[0]!.id, `Lesson ${i}`));
    expect(lessons.map((l) => l.position)).toEqual([1, 2, 3, 4, 5]);

    const moves = await Promise.all([
      ...modules.map((m, i) => call(MOVE_MODULE, { id: m.id, position: 5 - i }, author)),
      ...lessons.map((l, i) => call(MOVE_LESSON, { id: l.id, position: ((i + 2) % 5) + 1 }, author)),
      call(MOVE_MODULE, { id: modules[2]!.id, position: 1 }, author),
    ]);
    for (const move of moves) expect(move.errors).toBeUndefined();
    const modulePositions = await rows<{ position: number }>(`SELECT position FROM learning.modules WHERE course_id = $1 ORDER BY position`, [course.id]);
    expect(modulePositions.map((r) => r.position)).toEqual([1, 2, 3, 4, 5]);
    const lessonPositions = await rows<{ position: number }>(`SELECT position FROM learning.lessons WHERE module_id = $1 ORDER BY position`, [modules[0]!.id]);
    expect(lessonPositions.map((r) => r.position)).toEqual([1, 2, 3, 4, 5]);

    const moved = await call(MOVE_MODULE, { id: modules[4]!.id, position: 1 }, author);
    expect(moved.data!.moveModule).toEqual({ id: modules[4]!.id, position: 1 });
    const order = await rows<{ id: string }>(`SELECT id FROM learning.modules WHERE course_id = $1 ORDER BY position`, [course.id]);
    expect(order[0]!.id).toBe(modules[4]!.id);
  });
});
