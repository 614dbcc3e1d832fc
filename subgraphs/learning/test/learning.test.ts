import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entitiesQuery, startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { findCoursePage } from '../src/repositories/course.repository.js';
import { buildLearningSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildLearningSubgraph>>;
const ids = { firstAid: randomUUID(), paediatric: randomUUID(), draft: randomUUID(), topic: randomUUID(), module: randomUUID() };

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildLearningSubgraph, 'academy_learning');
  const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  await admin.query(`INSERT INTO learning.topics (id, name) VALUES ($1, 'First aid')`, [ids.topic]);
  await admin.query(
    `INSERT INTO learning.courses (id, slug, title, summary, level, language, status, published_at, enrollment_count, completed_count)
     VALUES ($1, 'first-aid-at-work', 'First Aid at Work', 'Three days of workplace first aid', 'INTERMEDIATE', 'en-GB', 'PUBLISHED', now() - interval '2 days', 40, 10),
            ($2, 'paediatric-first-aid', 'Paediatric First Aid', 'First aid for babies and children', 'BEGINNER', 'en-GB', 'PUBLISHED', now() - interval '1 day', 25, 0),
            ($3, 'draft-course', 'A Draft', null, 'ADVANCED', 'fr', 'DRAFT', null, 0, 0)`,
    [ids.firstAid, ids.paediatric, ids.draft],
  );
  await admin.query(`INSERT INTO learning.course_topics VALUES ($1, $2)`, [ids.firstAid, ids.topic]);
  await admin.query(`INSERT INTO learning.modules (id, course_id, title, position) VALUES ($1, $2, 'Assessing an incident', 1)`, [ids.module, ids.firstAid]);
  await admin.query(
    `INSERT INTO learning.lessons (module_id, title, kind, position, body) VALUES ($1, 'Scene safety', 'VIDEO', 1, 'secret body'), ($1, 'Primary survey', 'TEXT', 2, 'more')`,
    [ids.module],
  );
  await admin.end();
});

afterAll(async () => {
  await subgraph?.stop();
});

describe('course repository', () => {
  it('pages by title with an exact total and keyset cursors', async () => {
    const db = subgraph.service.database.db;
    const first = await findCoursePage(db, { filter: { statuses: ['PUBLISHED'] }, orderBy: { field: 'TITLE', direction: 'ASC' }, limit: 1, after: null });
    expect(first.totalCount).toBe(2);
    expect(first.rows.map((r) => r.title)).toEqual(['First Aid at Work', 'Paediatric First Aid']);
    expect(first.hasPreviousPage).toBe(false);
    const second = await findCoursePage(db, {
      filter: { statuses: ['PUBLISHED'] },
      orderBy: { field: 'TITLE', direction: 'ASC' },
      limit: 1,
      after: [first.rows[0]!.cursor_key, first.rows[0]!.id],
    });
    expect(second.rows.map((r) => r.title)).toEqual(['Paediatric First Aid']);
    expect(second.totalCount).toBe(2);
    expect(second.hasPreviousPage).toBe(true);
  });

  it('searches full text and sorts by enrollments, descending', async () => {
    const db = subgraph.service.database.db;
    const found = await findCoursePage(db, { filter: { statuses: ['PUBLISHED'], search: 'children' }, orderBy: { field: 'TITLE', direction: 'ASC' }, limit: 10, after: null });
    expect(found.rows.map((r) => r.id)).toEqual([ids.paediatric]);
    const popular = await findCoursePage(db, { filter: { statuses: ['PUBLISHED'] }, orderBy: { field: 'ENROLLMENT_COUNT', direction: 'DESC' }, limit: 10, after: null });
    expect(popular.rows.map((r) => r.id)).toEqual([ids.firstAid, ids.paediatric]);
    const newest = await findCoursePage(db, { filter: { statuses: ['PUBLISHED'] }, orderBy: { field: 'PUBLISHED_AT', direction: 'DESC' }, limit: 1, after: null });
    const older = await findCoursePage(db, {
      filter: { statuses: ['PUBLISHED'] },
      orderBy: { field: 'PUBLISHED_AT', direction: 'DESC' },
      limit: 5,
      after: [newest.rows[0]!.cursor_key, newest.rows[0]!.id],
    });
    expect([...newest.rows.slice(0, 1), ...older.rows].map((r) => r.id)).toEqual([ids.paediatric, ids.firstAid]);
  });
});

describe('learning operations', () => {
  it('lists published courses only, with topics, modules and lessons; cursors page forward', async () => {
    const query = `query($after: String) { courses(first: 1, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { node { slug topics { name } lessonCount modules { title position lessons { title kind position body } } } } } }`;
    const page1 = await subgraph.request<{ courses: any }>(query);
    expect(page1.body.errors).toBeUndefined();
    expect(page1.body.data!.courses).toMatchObject({
      totalCount: 2,
      pageInfo: { hasNextPage: true, hasPreviousPage: false },
      edges: [{ node: { slug: 'first-aid-at-work', topics: [{ name: 'First aid' }], lessonCount: 2,
        modules: [{ title: 'Assessing an incident', position: 1, lessons: [
          { title: 'Scene safety', kind: 'VIDEO', position: 1, body: null },
          { title: 'Primary survey', kind: 'TEXT', position: 2, body: null },
        ] }] } }],
    });
    const page2 = await subgraph.request<{ courses: any }>(query, { after: page1.body.data!.courses.pageInfo.endCursor });
    expect(page2.body.data!.courses).toMatchObject({ pageInfo: { hasNextPage: false, hasPreviousPage: true }, edges: [{ node: { slug: 'paediatric-first-aid' } }] });
    // A cursor only continues the sort it came from.
    const resorted = await subgraph.request(`query($after: String) { courses(after: $after, orderBy: { field: ENROLLMENT_COUNT, direction: DESC }) { totalCount } }`, {
      after: page1.body.data!.courses.pageInfo.endCursor,
    });
    expect(resorted.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses bad input with BAD_USER_INPUT', async () => {
    for (const [query, variables] of [
      ['{ courses(first: 101) { totalCount } }', {}],
      ['{ courses(first: -1) { totalCount } }', {}],
      ['{ courses(after: "not-a-cursor") { totalCount } }', {}],
      ['{ course(id: "nope") { id } }', {}],
      ['{ course { id } }', {}],
      ['query($f: CourseFilter) { courses(filter: $f) { totalCount } }', { f: { topicId: 'x' } }],
    ] as const) {
      const { body } = await subgraph.request(query, variables);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('hides drafts from anonymous callers and forbids asking for them', async () => {
    const bySlug = await subgraph.request<{ course: unknown }>('{ course(slug: "draft-course") { id } }');
    expect(bySlug.body.data!.course).toBeNull();
    const drafts = await subgraph.request('{ courses(filter: { status: DRAFT }) { totalCount } }');
    expect(drafts.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('resolves Course entities for the gateway, in order, with null for unknown ids', async () => {
    const unknown = randomUUID();
    const { body } = await subgraph.request<{ _entities: unknown[] }>(entitiesQuery('Course', 'id title enrollmentCount author { id }'), {
      representations: [
        { __typename: 'Course', id: ids.paediatric },
        { __typename: 'Course', id: unknown },
        { __typename: 'Course', id: ids.firstAid },
      ],
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities).toEqual([
      { id: ids.paediatric, title: 'Paediatric First Aid', enrollmentCount: 25, author: null },
      null,
      { id: ids.firstAid, title: 'First Aid at Work', enrollmentCount: 40, author: null },
    ]);
  });

  it('batches an entity lookup of many courses into one statement', async () => {
    const before = subgraph.service.database.statements.inRequests;
    const { body } = await subgraph.request(entitiesQuery('Course', 'id slug'), {
      representations: Array.from({ length: 50 }, (_, i) => ({ __typename: 'Course', id: i % 2 ? ids.firstAid : randomUUID() })),
    });
    expect(body.errors).toBeUndefined();
    expect(subgraph.service.database.statements.inRequests - before).toBe(1);
  });

  it('reads a course page (course, modules, lessons) in one statement', async () => {
    const before = subgraph.service.database.statements.inRequests;
    const { body } = await subgraph.request<{ course: any }>(
      `query($id: ID!) { course(id: $id) { title modules { title position lessons { title kind position durationMinutes } } } }`,
      { id: ids.firstAid },
    );
    expect(body.errors).toBeUndefined();
    expect(subgraph.service.database.statements.inRequests - before).toBe(1);
    expect(body.data!.course.modules[0]).toMatchObject({ title: 'Assessing an incident', position: 1 });
    expect(body.data!.course.modules[0].lessons.map((l: { title: string }) => l.title)).toEqual(['Scene safety', 'Primary survey']);
  });

  it('keeps completion rates from anonymous callers', async () => {
    const { body } = await subgraph.request<{ course: unknown }>(`{ course(slug: "first-aid-at-work") { title completionRate } }`);
    expect(body.data!.course).toEqual({ title: 'First Aid at Work', completionRate: null });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('topics', () => {
  it("lists every topic's first page of courses in one statement, and continues with its cursor", async () => {
    const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
    await admin.connect();
    const empty = randomUUID();
    await admin.query(`INSERT INTO learning.topics (id, name) VALUES ($1, 'Leadership')`, [empty]);
    await admin.query(`INSERT INTO learning.course_topics VALUES ($1, $2), ($3, $2)`, [ids.paediatric, ids.topic, ids.draft]);
    await admin.end();
    const before = subgraph.service.database.statements.inRequests;
    const { body } = await subgraph.request<{ topics: any[] }>(
      '{ topics { name courses(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { slug } } } } }',
    );
    expect(body.errors).toBeUndefined();
    // One statement for the topics, one for all their course pages.
    expect(subgraph.service.database.statements.inRequests - before).toBe(2);
    const [firstAid, leadership] = body.data!.topics;
    expect(leadership).toEqual({ name: 'Leadership', courses: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } });
    expect(firstAid.courses).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true }, edges: [{ node: { slug: 'first-aid-at-work' } }] });
    const next = await subgraph.request<{ topics: any[] }>(`query($after: String) { topics { courses(first: 1, after: $after) { edges { node { slug } } } } }`, {
      after: firstAid.courses.pageInfo.endCursor,
    });
    expect(next.body.data!.topics[0].courses.edges).toEqual([{ node: { slug: 'paediatric-first-aid' } }]);
  });
});
