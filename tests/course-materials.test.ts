import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@academy/service-kit';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const ADD = /* GraphQL */ `
  mutation Add($courseId: ID!, $input: AddCourseMaterialInput!) {
    addCourseMaterial(courseId: $courseId, input: $input) { id title kind url position version visibility sizeBytes mediaType locked }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $input: UpdateCourseMaterialInput!) { updateCourseMaterial(id: $id, input: $input) { title url version sizeBytes mediaType } }
`;
const MOVE = /* GraphQL */ `
  mutation Move($id: ID!, $position: Int!) { moveCourseMaterial(id: $id, position: $position) { id position } }
`;
const REMOVE = /* GraphQL */ `
  mutation Remove($id: ID!) { removeCourseMaterial(id: $id) { materials { title position } } }
`;
const VIEW = /* GraphQL */ `
  query View($id: ID!) { course(id: $id) { materials { title visibility locked url } modules { lessons { body } } } }
`;

type Material = { id: string; title: string; url: string | null; position: number; version: number; locked: boolean };
type Answer = { status: number; body: { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string; field?: string } }[] } };

let stack: TestStack;
let author: SignedUpUser;
let otherAuthor: SignedUpUser;
let admin: SignedUpUser;
let stranger: SignedUpUser;
let active: SignedUpUser;
let completed: SignedUpUser;
let cancelled: SignedUpUser;
const course = uuid();
const reorderCourse = uuid();

const send = (user: SignedUpUser | null, query: string, variables: Record<string, unknown>): Promise<Answer> =>
  stack.query(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {}) as Promise<Answer>;
const positions = (courseId: string) =>
  adminRows<{ title: string; position: number }>(stack.database.adminUrl, 'SELECT title, position FROM learning.course_materials WHERE course_id = $1 ORDER BY position', [courseId]);

beforeAll(async () => {
  stack = await startStack();
  [author, otherAuthor, admin, stranger, active, completed, cancelled] = await Promise.all([
    signUpWithRoles(stack, 'Author', ['LEARNER', 'CONTENT_AUTHOR']),
    signUpWithRoles(stack, 'Otherauthor', ['LEARNER', 'CONTENT_AUTHOR']),
    signUpWithRoles(stack, 'Admin', ['LEARNER', 'ADMIN']),
    signUpUser(stack, 'Stranger'),
    signUpUser(stack, 'Active'),
    signUpUser(stack, 'Completed'),
    signUpUser(stack, 'Cancelled'),
  ]);
  const module = uuid();
  await withAdmin(stack.database.adminUrl, async (db) => {
    await insertRows(db, 'learning.courses', [
      { id: course, slug: 'manual-handling', title: 'Manual Handling', level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date(), author_id: author.id },
      { id: reorderCourse, slug: 'fire-safety', title: 'Fire Safety', level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date(), author_id: author.id },
    ]);
    await insertRows(db, 'learning.modules', [{ id: module, course_id: course, title: 'Lifting', position: 1 }]);
    await insertRows(db, 'learning.lessons', [{ module_id: module, title: 'Posture', kind: 'TEXT', position: 1, body: 'Bend your knees.' }]);
    // Enrolling is not an operation yet: the learners are enrolled directly.
    await insertRows(db, 'learning.enrollments', [
      { user_id: active.id, course_id: course, status: 'ACTIVE' },
      { user_id: completed.id, course_id: course, status: 'COMPLETED' },
      { user_id: cancelled.id, course_id: course, status: 'CANCELLED' },
    ]);
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('course materials through the gateway', () => {
  let handout: Material;
  let slides: Material;

  it('are added by the course author at the end, numbered 1..n, version 1, ENROLLED unless told', async () => {
    const add = (input: Record<string, unknown>) => as<{ addCourseMaterial: Material }>(stack, author, ADD, { courseId: course, input });
    ({ addCourseMaterial: handout } = await add({ title: 'Course handout', kind: 'PDF', url: 'https://files.example.com/handout.pdf', sizeBytes: 120_000, mediaType: 'Application/PDF', visibility: 'PUBLIC' }));
    ({ addCourseMaterial: slides } = await add({ title: 'Slides', kind: 'SLIDES', url: ' https://files.example.com/slides.pptx ' }));
    const { addCourseMaterial: worksheet } = await as<{ addCourseMaterial: Material }>(stack, admin, ADD, {
      courseId: course,
      input: { title: 'Worksheet', kind: 'WORKSHEET', url: 'https://files.example.com/sheet.docx' },
    });
    expect(handout).toMatchObject({ position: 1, version: 1, visibility: 'PUBLIC', mediaType: 'application/pdf', sizeBytes: 120_000, locked: false });
    expect(slides).toMatchObject({ position: 2, version: 1, visibility: 'ENROLLED', url: 'https://files.example.com/slides.pptx', locked: false });
    expect(worksheet).toMatchObject({ position: 3, visibility: 'ENROLLED' });
  });

  it('are listed to everyone who sees the course; ENROLLED ones open (and lesson bodies show) only for enrolled learners, the author and ADMIN', async () => {
    type View = { materials: { title: string; visibility: string; locked: boolean; url: string | null }[]; modules: { lessons: { body: string | null }[] }[] };
    const view = async (user: SignedUpUser | null) => {
      const { body } = await send(user, VIEW, { id: course });
      expect(body.errors).toBeUndefined();
      return body.data!.course as View;
    };
    const open: View = {
      materials: [
        { title: 'Course handout', visibility: 'PUBLIC', locked: false, url: 'https://files.example.com/handout.pdf' },
        { title: 'Slides', visibility: 'ENROLLED', locked: false, url: 'https://files.example.com/slides.pptx' },
        { title: 'Worksheet', visibility: 'ENROLLED', locked: false, url: 'https://files.example.com/sheet.docx' },
      ],
      modules: [{ lessons: [{ body: 'Bend your knees.' }] }],
    };
    const locked: View = {
      materials: [
        { title: 'Course handout', visibility: 'PUBLIC', locked: false, url: 'https://files.example.com/handout.pdf' },
        { title: 'Slides', visibility: 'ENROLLED', locked: true, url: null },
        { title: 'Worksheet', visibility: 'ENROLLED', locked: true, url: null },
      ],
      modules: [{ lessons: [{ body: null }] }],
    };
    const viewers: [string, SignedUpUser | null, View][] = [
      ['anonymous', null, locked],
      ['a learner not enrolled', stranger, locked],
      ['a learner whose enrollment was cancelled', cancelled, locked],
      ['a content author of other courses', otherAuthor, locked],
      ['an ACTIVE learner', active, open],
      ['a COMPLETED learner', completed, open],
      ['the author', author, open],
      ['ADMIN', admin, open],
    ];
    const seen = await Promise.all(viewers.map(async ([who, user]) => [who, await view(user)] as const));
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(viewers.map(([who, , expected]) => [who, expected])));
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, and changes nothing', async () => {
    const good = { title: 'Checklist', kind: 'PDF', url: 'https://files.example.com/list.pdf' };
    const cases: [string, string, Record<string, unknown>][] = [
      ['input.url', ADD, { courseId: course, input: { ...good, url: 'http://files.example.com/list.pdf' } }],
      ['input.url', ADD, { courseId: course, input: { ...good, url: 'javascript:alert(1)' } }],
      ['input.url', ADD, { courseId: course, input: { ...good, url: '/files/list.pdf' } }],
      ['input.url', ADD, { courseId: course, input: { ...good, url: 'https://user:secret@files.example.com/list.pdf' } }],
      ['input.url', ADD, { courseId: course, input: { ...good, url: `https://files.example.com/${'a'.repeat(2050)}` } }],
      ['input.title', ADD, { courseId: course, input: { ...good, title: ' x ' } }],
      ['input.description', ADD, { courseId: course, input: { ...good, description: 'd'.repeat(2001) } }],
      ['input.sizeBytes', ADD, { courseId: course, input: { ...good, sizeBytes: -1 } }],
      ['input.mediaType', ADD, { courseId: course, input: { ...good, mediaType: 'pdf' } }],
      ['courseId', ADD, { courseId: 'not-an-id', input: good }],
      ['input.url', UPDATE, { id: handout.id, input: { url: null } }],
      ['input.kind', UPDATE, { id: handout.id, input: { kind: null } }],
      ['input', UPDATE, { id: handout.id, input: {} }],
      ['position', MOVE, { id: handout.id, position: 0 }],
      ['position', MOVE, { id: handout.id, position: 4 }],
      ['id', REMOVE, { id: 'nope' }],
    ];
    const before = await positions(course);
    const refused = await Promise.all(
      cases.map(async ([, query, variables]) => {
        const extensions = (await send(author, query, variables)).body.errors?.[0]?.extensions;
        return { code: extensions?.code, field: extensions?.field };
      }),
    );
    expect(refused).toEqual(cases.map(([field]) => ({ code: ErrorCode.BAD_USER_INPUT, field })));
    expect(await positions(course)).toEqual(before);
    expect(await adminRows(stack.database.adminUrl, 'SELECT url, version FROM learning.course_materials WHERE id = $1', [handout.id])).toEqual([
      { url: 'https://files.example.com/handout.pdf', version: 1 },
    ]);
  });

  it('may be changed by the course author and ADMIN only', async () => {
    const add = { courseId: course, input: { title: 'Not allowed', kind: 'LINK', url: 'https://example.com/' } };
    const codes = async (query: string, variables: Record<string, unknown>) =>
      Promise.all([null, stranger, active, otherAuthor].map(async (user) => (await send(user, query, variables)).body.errors?.[0]?.extensions?.code));
    const refusals = [ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN];
    expect(await codes(ADD, add)).toEqual(refusals);
    expect(await codes(UPDATE, { id: slides.id, input: { title: 'Taken over' } })).toEqual(refusals);
    expect(await codes(MOVE, { id: slides.id, position: 1 })).toEqual(refusals);
    expect(await codes(REMOVE, { id: slides.id })).toEqual(refusals);
    expect((await send(author, REMOVE, { id: uuid() })).body.errors?.[0]?.extensions?.code).toBe(ErrorCode.NOT_FOUND);
    expect((await send(author, ADD, { ...add, courseId: uuid() })).body.errors?.[0]?.extensions?.code).toBe(ErrorCode.NOT_FOUND);
    expect(await positions(course)).toEqual([
      { title: 'Course handout', position: 1 },
      { title: 'Slides', position: 2 },
      { title: 'Worksheet', position: 3 },
    ]);
  });

  it('go up one version when their file changes (url, size or media type), not for other changes', async () => {
    const update = async (input: Record<string, unknown>) =>
      (await as<{ updateCourseMaterial: { version: number } }>(stack, author, UPDATE, { id: slides.id, input })).updateCourseMaterial.version;
    expect(await update({ title: 'Slides, day one', description: 'The trainer\'s deck', visibility: 'ENROLLED', kind: 'SLIDES' })).toBe(1);
    expect(await update({ url: 'https://files.example.com/slides-v2.pptx' })).toBe(2);
    expect(await update({ url: 'https://files.example.com/slides-v2.pptx' })).toBe(2);
    expect(await update({ sizeBytes: 2_000_000 })).toBe(3);
    expect(await update({ mediaType: 'application/vnd.ms-powerpoint' })).toBe(4);
    expect(await update({ mediaType: 'application/vnd.ms-powerpoint', title: 'Slides' })).toBe(4);
  });

  it('keep positions 1..n through moves and removals, also when they run at once', async () => {
    const titles = ['One', 'Two', 'Three', 'Four', 'Five', 'Six'];
    const ids: string[] = [];
    for (const title of titles) {
      const { addCourseMaterial } = await as<{ addCourseMaterial: Material }>(stack, author, ADD, {
        courseId: reorderCourse,
        input: { title, kind: 'LINK', url: `https://example.com/${title.toLowerCase()}` },
      });
      ids.push(addCourseMaterial.id);
    }
    expect((await as<{ moveCourseMaterial: { position: number } }>(stack, author, MOVE, { id: ids[4], position: 2 })).moveCourseMaterial.position).toBe(2);
    expect((await positions(reorderCourse)).map((r) => r.title)).toEqual(['One', 'Five', 'Two', 'Three', 'Four', 'Six']);
    await as(stack, author, MOVE, { id: ids[0], position: 6 });
    expect((await positions(reorderCourse)).map((r) => r.title)).toEqual(['Five', 'Two', 'Three', 'Four', 'Six', 'One']);
    const { removeCourseMaterial } = await as<{ removeCourseMaterial: { materials: { title: string; position: number }[] } }>(stack, author, REMOVE, { id: ids[2] });
    expect(removeCourseMaterial.materials).toEqual([
      { title: 'Five', position: 1 },
      { title: 'Two', position: 2 },
      { title: 'Four', position: 3 },
      { title: 'Six', position: 4 },
      { title: 'One', position: 5 },
    ]);

    // Moves, a removal and additions at once: each waits for the course's lock, none fails.
    const answers = await Promise.all([
      send(author, MOVE, { id: ids[0], position: 1 }),
      send(admin, MOVE, { id: ids[5], position: 2 }),
      send(author, REMOVE, { id: ids[1] }),
      send(author, ADD, { courseId: reorderCourse, input: { title: 'Seven', kind: 'LINK', url: 'https://example.com/seven' } }),
      send(admin, ADD, { courseId: reorderCourse, input: { title: 'Eight', kind: 'LINK', url: 'https://example.com/eight' } }),
      send(author, MOVE, { id: ids[3], position: 4 }),
    ]);
    expect(answers.map((a) => a.body.errors)).toEqual(answers.map(() => undefined));
    const after = await positions(reorderCourse);
    expect(after.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(after.map((r) => r.title).sort()).toEqual(['Eight', 'Five', 'Four', 'One', 'Seven', 'Six']);
  });
});
