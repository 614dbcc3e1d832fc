import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entitiesQuery, startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import type { Viewer } from '@academy/service-kit';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { buildLearningSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildLearningSubgraph>>;
let admin: pg.Client;
const course = randomUUID();
const other = randomUUID();
const lessons = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const foreignLesson = randomUUID();

const SYNC = `mutation($entries: [LessonProgressInput!]!) { syncLessonProgress(entries: $entries) { lesson { id } progressPercent completedAt updatedAt } }`;
type Answer = { lesson: { id: string }; progressPercent: number; completedAt: string | null; updatedAt: string }[];

const learner = (): Viewer => ({ userId: randomUUID(), roles: ['LEARNER'] });
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

/** A learner enrolled (ACTIVE) in the four-lesson course. */
async function enrolled(): Promise<Viewer & { enrollmentId: string }> {
  const viewer = learner();
  const { rows } = await admin.query<{ id: string }>(`INSERT INTO learning.enrollments (user_id, course_id) VALUES ($1, $2) RETURNING id`, [viewer.userId, course]);
  return { ...viewer, enrollmentId: rows[0]!.id };
}

async function sync(viewer: Viewer | null, entries: { lessonId: string; progressPercent: number; recordedAt: string }[]) {
  return subgraph.request<{ syncLessonProgress: Answer }>(SYNC, { entries }, { viewer });
}

async function stored(viewer: Viewer) {
  const { rows } = await admin.query(
    `SELECT lesson_id, progress_percent, completed_at, recorded_at, updated_at FROM learning.lesson_progress WHERE user_id = $1 ORDER BY lesson_id`,
    [viewer.userId],
  );
  return rows;
}

async function enrollmentPercent(enrollmentId: string): Promise<number> {
  const { rows } = await admin.query<{ progress_percent: number }>(`SELECT progress_percent FROM learning.enrollments WHERE id = $1`, [enrollmentId]);
  return rows[0]!.progress_percent;
}

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildLearningSubgraph, 'academy_learning');
  admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  await admin.query(
    `INSERT INTO learning.courses (id, slug, title, level, language, status, published_at)
     VALUES ($1, 'progress-course', 'Progress', 'BEGINNER', 'en-GB', 'PUBLISHED', now()), ($2, 'other-course', 'Other', 'BEGINNER', 'en-GB', 'PUBLISHED', now())`,
    [course, other],
  );
  const [m1, m2, m3] = [randomUUID(), randomUUID(), randomUUID()];
  await admin.query(`INSERT INTO learning.modules (id, course_id, title, position) VALUES ($1, $3, 'One', 1), ($2, $3, 'Two', 2), ($4, $5, 'Else', 1)`, [
    m1,
    m2,
    course,
    m3,
    other,
  ]);
  await admin.query(
    `INSERT INTO learning.lessons (id, module_id, title, kind, position) VALUES
       ($1, $5, 'A', 'TEXT', 1), ($2, $5, 'B', 'TEXT', 2), ($3, $6, 'C', 'TEXT', 1), ($4, $6, 'D', 'TEXT', 2), ($7, $8, 'X', 'TEXT', 1)`,
    [...lessons, m1, m2, foreignLesson, m3],
  );
});

afterAll(async () => {
  await admin?.end();
  await subgraph?.stop();
});

describe('syncLessonProgress', () => {
  it('converges to the newest values whatever order batches arrive in', async () => {
    const [first, second] = [await enrolled(), await enrolled()];
    const older = [{ lessonId: lessons[0]!, progressPercent: 70, recordedAt: at(30) }];
    const newer = [{ lessonId: lessons[0]!, progressPercent: 40, recordedAt: at(10) }];
    for (const [viewer, batches] of [
      [first, [older, newer]],
      [second, [newer, older]],
    ] as const) {
      for (const batch of batches) expect((await sync(viewer, batch)).body.errors).toBeUndefined();
    }
    const answer = (await sync(second, older)).body.data!.syncLessonProgress;
    expect(answer).toMatchObject([{ lesson: { id: lessons[0] }, progressPercent: 40, completedAt: null }]);
    const [a, b] = [await stored(first), await stored(second)];
    expect(a.map((r) => r.progress_percent)).toEqual([40]);
    expect(b.map((r) => r.progress_percent)).toEqual([40]);
    expect(b[0].recorded_at).toEqual(a[0].recorded_at);
  });

  it('changes nothing when a batch is replayed: same answer, same updated_at', async () => {
    const viewer = await enrolled();
    const batch = [
      { lessonId: lessons[0]!, progressPercent: 100, recordedAt: at(20) },
      { lessonId: lessons[1]!, progressPercent: 30, recordedAt: at(15) },
    ];
    const first = await sync(viewer, batch);
    expect(first.body.errors).toBeUndefined();
    const before = await stored(viewer);
    const replay = await sync(viewer, batch);
    expect(replay.body).toEqual(first.body);
    expect(await stored(viewer)).toEqual(before);
  });

  it('never reverts a completed lesson, in either order', async () => {
    const [first, second] = [await enrolled(), await enrolled()];
    const done = [{ lessonId: lessons[2]!, progressPercent: 100, recordedAt: at(30) }];
    const later = [{ lessonId: lessons[2]!, progressPercent: 20, recordedAt: at(5) }];
    await sync(first, done);
    const answer = (await sync(first, later)).body.data!.syncLessonProgress;
    expect(answer[0]).toMatchObject({ progressPercent: 100, completedAt: new Date(done[0]!.recordedAt).toISOString() });
    await sync(second, later);
    const late = (await sync(second, done)).body.data!.syncLessonProgress;
    expect(late[0]).toMatchObject({ progressPercent: 100, completedAt: new Date(done[0]!.recordedAt).toISOString() });
  });

  it('keeps the newest of duplicate lessons inside one batch', async () => {
    const viewer = await enrolled();
    const { body } = await sync(viewer, [
      { lessonId: lessons[1]!, progressPercent: 10, recordedAt: at(3) },
      { lessonId: lessons[1]!, progressPercent: 60, recordedAt: at(2) },
      { lessonId: lessons[1]!, progressPercent: 90, recordedAt: at(9) },
    ]);
    expect(body.data!.syncLessonProgress).toMatchObject([{ lesson: { id: lessons[1] }, progressPercent: 60 }]);
  });

  it('refuses a batch with a lesson of a course the viewer is not enrolled in, naming it, and stores nothing', async () => {
    const viewer = await enrolled();
    const { body } = await sync(viewer, [
      { lessonId: lessons[0]!, progressPercent: 50, recordedAt: at(2) },
      { lessonId: foreignLesson, progressPercent: 50, recordedAt: at(2) },
    ]);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', lessonIds: [foreignLesson] });
    expect(body.errors?.[0]?.message).toContain(foreignLesson);
    expect(await stored(viewer)).toEqual([]);
    // A cancelled enrollment allows nothing either.
    await admin.query(`UPDATE learning.enrollments SET status = 'CANCELLED' WHERE id = $1`, [viewer.enrollmentId]);
    const cancelled = await sync(viewer, [{ lessonId: lessons[0]!, progressPercent: 50, recordedAt: at(2) }]);
    expect(cancelled.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', lessonIds: [lessons[0]] });
  });

  it('refuses bad input with BAD_USER_INPUT: over 500 entries, values out of 0..100, a future recordedAt, anonymous callers', async () => {
    const viewer = await enrolled();
    const many = Array.from({ length: 501 }, () => ({ lessonId: lessons[0]!, progressPercent: 1, recordedAt: at(1) }));
    expect((await sync(viewer, many)).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await sync(viewer, many.slice(0, 500))).body.errors).toBeUndefined();
    expect((await sync(viewer, [{ lessonId: lessons[1]!, progressPercent: 101, recordedAt: at(1) }])).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await sync(viewer, [{ lessonId: lessons[1]!, progressPercent: -1, recordedAt: at(1) }])).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await sync(viewer, [{ lessonId: lessons[1]!, progressPercent: 5, recordedAt: at(-10) }])).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await sync(viewer, [{ lessonId: lessons[1]!, progressPercent: 5, recordedAt: at(-2) }])).body.errors).toBeUndefined();
    expect((await sync(viewer, [{ lessonId: 'nope', progressPercent: 5, recordedAt: at(1) }])).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await sync(null, [{ lessonId: lessons[1]!, progressPercent: 5, recordedAt: at(1) }])).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('converges when two devices sync the same lessons at once', async () => {
    const viewer = await enrolled();
    const devices = Array.from({ length: 8 }, (_, i) =>
      lessons.map((lessonId, j) => ({ lessonId, progressPercent: 10 + i * 5 + j, recordedAt: at(20 - i) })),
    );
    const answers = await Promise.all(devices.map((batch) => sync(viewer, batch)));
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    expect((await stored(viewer)).map((r) => [r.lesson_id, r.progress_percent]).sort()).toEqual(lessons.map((id, j) => [id, 45 + j]).sort());
  });

  it('keeps the enrollment progressPercent to the share of lessons completed, also when syncs of one course race', async () => {
    const viewer = await enrolled();
    await sync(viewer, [{ lessonId: lessons[0]!, progressPercent: 100, recordedAt: at(5) }]);
    expect(await enrollmentPercent(viewer.enrollmentId)).toBe(25);
    await Promise.all(lessons.slice(1, 3).map((lessonId) => sync(viewer, [{ lessonId, progressPercent: 100, recordedAt: at(4) }])));
    expect(await enrollmentPercent(viewer.enrollmentId)).toBe(75);
    await sync(viewer, [{ lessonId: lessons[3]!, progressPercent: 99, recordedAt: at(3) }]);
    expect(await enrollmentPercent(viewer.enrollmentId)).toBe(75);
    const status = async () => (await admin.query(`SELECT status FROM learning.enrollments WHERE id = $1`, [viewer.enrollmentId])).rows[0].status;
    // 99% of the last lesson is not completion (certificates.test.ts covers what completing does).
    expect(await status()).toBe('ACTIVE');
    await sync(viewer, [{ lessonId: lessons[3]!, progressPercent: 100, recordedAt: at(2) }]);
    expect(await enrollmentPercent(viewer.enrollmentId)).toBe(100);
    expect(await status()).toBe('COMPLETED');
  });
});

describe('reading progress', () => {
  it('shows viewerProgress and lessonProgress to their learner only, in one statement per field', async () => {
    const [ada, bob] = [await enrolled(), await enrolled()];
    await sync(ada, [
      { lessonId: lessons[2]!, progressPercent: 100, recordedAt: at(5) },
      { lessonId: lessons[0]!, progressPercent: 35, recordedAt: at(5) },
    ]);
    const lessonQuery = entitiesQuery('Lesson', 'id viewerProgress { progressPercent lesson { id } }');
    const representations = lessons.map((id) => ({ __typename: 'Lesson', id }));
    const before = subgraph.service.database.statements.inRequests;
    const mine = await subgraph.request<{ _entities: any[] }>(lessonQuery, { representations }, { viewer: ada });
    // The lessons, then the viewer's progress: one statement each (the nested lessons come from the loader).
    expect(subgraph.service.database.statements.inRequests - before).toBe(2);
    expect(mine.body.data!._entities.map((l) => l.viewerProgress?.progressPercent ?? null)).toEqual([35, null, 100, null]);
    const theirs = await subgraph.request<{ _entities: any[] }>(lessonQuery, { representations }, { viewer: bob });
    expect(theirs.body.data!._entities.map((l) => l.viewerProgress)).toEqual([null, null, null, null]);
    const nobody = await subgraph.request<{ _entities: any[] }>(lessonQuery, { representations });
    expect(nobody.body.data!._entities.map((l) => l.viewerProgress)).toEqual([null, null, null, null]);

    const enrollmentQuery = entitiesQuery('Enrollment', 'id progressPercent lessonProgress { lesson { id } progressPercent }');
    const enrollments = [ada, bob].map((v) => ({ __typename: 'Enrollment', id: v.enrollmentId }));
    const beforeEnrollments = subgraph.service.database.statements.inRequests;
    const own = await subgraph.request<{ _entities: any[] }>(enrollmentQuery, { representations: enrollments }, { viewer: ada });
    // The enrollments, their progress, the progress's lessons: one statement each.
    expect(subgraph.service.database.statements.inRequests - beforeEnrollments).toBe(3);
    expect(own.body.data!._entities).toEqual([
      { id: ada.enrollmentId, progressPercent: 25, lessonProgress: [{ lesson: { id: lessons[0] }, progressPercent: 35 }, { lesson: { id: lessons[2] }, progressPercent: 100 }] },
      null,
    ]);
    const asAdmin = await subgraph.request<{ _entities: any[] }>(enrollmentQuery, { representations: enrollments }, { viewer: { userId: randomUUID(), roles: ['ADMIN'] } });
    expect(asAdmin.body.data!._entities.map((e) => e.lessonProgress.length)).toEqual([2, 0]);
  });
});
