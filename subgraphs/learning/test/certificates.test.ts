import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import type { Viewer } from '@academy/service-kit';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { buildLearningSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildLearningSubgraph>>;
let admin: pg.Client;
const course = randomUUID();
const lessons = [randomUUID(), randomUUID()];

const SYNC = `mutation($entries: [LessonProgressInput!]!) { syncLessonProgress(entries: $entries) { progressPercent } }`;
const VERIFY = `query($code: String!) { verifyCertificate(code: $code) { id number status issuedAt expiresAt user { id } course { id } } }`;
const REVOKE = `mutation($id: ID!, $reason: String) { revokeCertificate(id: $id, reason: $reason) { id status } }`;
const ADMIN: Viewer = { userId: randomUUID(), roles: ['ADMIN'] };

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const done = (lessonId: string, minutesAgo = 1) => ({ lessonId, progressPercent: 100, recordedAt: at(minutesAgo) });

async function enrolled(): Promise<Viewer & { enrollmentId: string }> {
  const viewer: Viewer = { userId: randomUUID(), roles: ['LEARNER'] };
  const { rows } = await admin.query<{ id: string }>(`INSERT INTO learning.enrollments (user_id, course_id) VALUES ($1, $2) RETURNING id`, [viewer.userId, course]);
  return { ...viewer, enrollmentId: rows[0]!.id };
}

const sync = (viewer: Viewer, entries: ReturnType<typeof done>[]) => subgraph.request(SYNC, { entries }, { viewer });

async function certificatesOf(enrollmentId: string) {
  const { rows } = await admin.query(`SELECT * FROM learning.certificates WHERE enrollment_id = $1`, [enrollmentId]);
  return rows;
}

async function events(type: string, aggregateId: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM learning.outbox WHERE type = $1 AND aggregate_id = $2`, [type, aggregateId]);
  return rows[0]!.n;
}

const completedCount = async () => (await admin.query<{ n: number }>(`SELECT completed_count AS n FROM learning.courses WHERE id = $1`, [course])).rows[0]!.n;

/** A learner who completed the course; answers the certificate row. */
async function certified() {
  const viewer = await enrolled();
  expect((await sync(viewer, lessons.map((l) => done(l)))).body.errors).toBeUndefined();
  const [certificate] = await certificatesOf(viewer.enrollmentId);
  return { viewer, certificate };
}

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildLearningSubgraph, 'academy_learning');
  admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  await admin.query(
    `INSERT INTO learning.courses (id, slug, title, level, language, status, published_at, certificate_validity_months)
     VALUES ($1, 'certificate-course', 'Certified', 'BEGINNER', 'en-GB', 'PUBLISHED', now(), 12)`,
    [course],
  );
  const module = randomUUID();
  await admin.query(`INSERT INTO learning.modules (id, course_id, title, position) VALUES ($1, $2, 'One', 1)`, [module, course]);
  await admin.query(`INSERT INTO learning.lessons (id, module_id, title, kind, position) VALUES ($1, $3, 'A', 'TEXT', 1), ($2, $3, 'B', 'TEXT', 2)`, [
    ...lessons,
    module,
  ]);
});

afterAll(async () => {
  await admin?.end();
  await subgraph?.stop();
});

describe('course completion', () => {
  it('completing the last lesson completes the enrollment and issues one certificate, with its events', async () => {
    const viewer = await enrolled();
    const before = await completedCount();
    expect((await sync(viewer, [done(lessons[0]!)])).body.errors).toBeUndefined();
    expect(await certificatesOf(viewer.enrollmentId)).toEqual([]);
    expect((await sync(viewer, [done(lessons[1]!)])).body.errors).toBeUndefined();
    const { rows } = await admin.query(`SELECT status, completed_at, progress_percent FROM learning.enrollments WHERE id = $1`, [viewer.enrollmentId]);
    expect(rows[0]).toMatchObject({ status: 'COMPLETED', progress_percent: 100 });
    expect(rows[0].completed_at).toBeInstanceOf(Date);
    expect(await completedCount()).toBe(before + 1);
    const certificates = await certificatesOf(viewer.enrollmentId);
    expect(certificates).toHaveLength(1);
    const [c] = certificates;
    expect(c.number).toMatch(/^ACD-\d{4}-\d{6}$/);
    expect(c.verification_code).toMatch(/^[A-Za-z0-9_-]{27}$/);
    // Twelve months' validity.
    expect(c.expires_at.getTime() - c.issued_at.getTime()).toBeGreaterThan(360 * 86_400_000);
    expect(await events('CourseCompleted', viewer.enrollmentId)).toBe(1);
    expect(await events('CertificateIssued', c.id)).toBe(1);
  });

  it('two devices completing the last lesson at once issue exactly one certificate', async () => {
    const viewer = await enrolled();
    expect((await sync(viewer, [done(lessons[0]!)])).body.errors).toBeUndefined();
    const before = await completedCount();
    const answers = await Promise.all([sync(viewer, [done(lessons[1]!, 2)]), sync(viewer, [done(lessons[1]!, 1)])]);
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    expect(await certificatesOf(viewer.enrollmentId)).toHaveLength(1);
    expect(await completedCount()).toBe(before + 1);
    expect(await events('CourseCompleted', viewer.enrollmentId)).toBe(1);
  });

  it('a replayed final batch issues nothing more', async () => {
    const viewer = await enrolled();
    const batch = lessons.map((l) => done(l));
    expect((await sync(viewer, batch)).body.errors).toBeUndefined();
    const [first] = await certificatesOf(viewer.enrollmentId);
    const before = await completedCount();
    expect((await sync(viewer, batch)).body.errors).toBeUndefined();
    expect((await sync(viewer, lessons.map((l) => done(l, 0)))).body.errors).toBeUndefined();
    expect(await certificatesOf(viewer.enrollmentId)).toEqual([first]);
    expect(await completedCount()).toBe(before);
    expect(await events('CourseCompleted', viewer.enrollmentId)).toBe(1);
  });

  it('a course without certificateValidityMonths issues a certificate that never expires', async () => {
    const [open, module, lesson] = [randomUUID(), randomUUID(), randomUUID()];
    await admin.query(`INSERT INTO learning.courses (id, slug, title, level, language, status, published_at) VALUES ($1, 'forever-course', 'Forever', 'BEGINNER', 'en-GB', 'PUBLISHED', now())`, [open]);
    await admin.query(`INSERT INTO learning.modules (id, course_id, title, position) VALUES ($1, $2, 'One', 1)`, [module, open]);
    await admin.query(`INSERT INTO learning.lessons (id, module_id, title, kind, position) VALUES ($1, $2, 'A', 'TEXT', 1)`, [lesson, module]);
    const viewer: Viewer = { userId: randomUUID(), roles: ['LEARNER'] };
    const { rows } = await admin.query<{ id: string }>(`INSERT INTO learning.enrollments (user_id, course_id) VALUES ($1, $2) RETURNING id`, [viewer.userId, open]);
    expect((await sync(viewer, [done(lesson)])).body.errors).toBeUndefined();
    expect(await certificatesOf(rows[0]!.id)).toMatchObject([{ course_id: open, expires_at: null }]);
  });
});

describe('verifyCertificate', () => {
  it('needs no token and answers ACTIVE, EXPIRED after expiry, REVOKED after revocation', async () => {
    const { viewer, certificate } = await certified();
    const verify = async () => (await subgraph.request<{ verifyCertificate: any }>(VERIFY, { code: certificate.verification_code }, { viewer: null })).body;
    const active = await verify();
    expect(active.errors).toBeUndefined();
    expect(active.data!.verifyCertificate).toMatchObject({ id: certificate.id, number: certificate.number, status: 'ACTIVE', user: { id: viewer.userId }, course: { id: course } });
    await admin.query(`UPDATE learning.certificates SET issued_at = issued_at - interval '13 months', expires_at = expires_at - interval '13 months' WHERE id = $1`, [
      certificate.id,
    ]);
    expect((await verify()).data!.verifyCertificate.status).toBe('EXPIRED');
    const revoked = await subgraph.request(REVOKE, { id: certificate.id, reason: 'Issued in error' }, { viewer: ADMIN });
    expect(revoked.body.errors).toBeUndefined();
    expect((await verify()).data!.verifyCertificate.status).toBe('REVOKED');
  });

  it('answers null for an unknown code', async () => {
    const { body } = await subgraph.request<{ verifyCertificate: unknown }>(VERIFY, { code: 'no-such-code' }, { viewer: null });
    expect(body.errors).toBeUndefined();
    expect(body.data!.verifyCertificate).toBeNull();
  });
});

describe('revokeCertificate', () => {
  it('is for ADMIN only: the learner is refused and nothing changes', async () => {
    const { viewer, certificate } = await certified();
    const refused = await subgraph.request(REVOKE, { id: certificate.id }, { viewer });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await certificatesOf(viewer.enrollmentId))[0].revoked_at).toBeNull();
    const unknown = await subgraph.request(REVOKE, { id: randomUUID() }, { viewer: ADMIN });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('User.certificates', () => {
  it('lists the user’s certificates for the user and ADMIN, none for others', async () => {
    const { viewer, certificate } = await certified();
    const QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { certificates { id number } } } }`;
    const ask = async (as: Viewer) =>
      (await subgraph.request<{ _entities: { certificates: { id: string }[] }[] }>(QUERY, { r: [{ __typename: 'User', id: viewer.userId }] }, { viewer: as })).body;
    expect((await ask(viewer)).data!._entities[0]!.certificates).toEqual([{ id: certificate.id, number: certificate.number }]);
    expect((await ask(ADMIN)).data!._entities[0]!.certificates).toHaveLength(1);
    expect((await ask({ userId: randomUUID(), roles: ['LEARNER'] })).data!._entities[0]!.certificates).toEqual([]);
  });
});
