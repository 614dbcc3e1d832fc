import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const SYNC = /* GraphQL */ `
  mutation Sync($entries: [LessonProgressInput!]!) { syncLessonProgress(entries: $entries) { progressPercent } }
`;
const VERIFY = /* GraphQL */ `
  query Verify($code: String!) { verifyCertificate(code: $code) { number status expiresAt user { id displayName } course { title } } }
`;
const REVOKE = /* GraphQL */ `
  mutation Revoke($id: ID!) { revokeCertificate(id: $id) { status } }
`;

let stack: TestStack;
let ada: SignedUpUser;
let admin: SignedUpUser;
const course = uuid();
const lesson = uuid();

beforeAll(async () => {
  stack = await startStack();
  ada = await signUpUser(stack, 'Ada');
  admin = await signUpWithRoles(stack, 'Admin', ['LEARNER', 'ADMIN']);
  const module = uuid();
  await withAdmin(stack.database.adminUrl, async (db) => {
    await insertRows(db, 'learning.courses', [
      { id: course, slug: 'certified-course', title: 'Certified', level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date(), certificate_validity_months: 24 },
    ]);
    await insertRows(db, 'learning.modules', [{ id: module, course_id: course, title: 'Only', position: 1 }]);
    await insertRows(db, 'learning.lessons', [{ id: lesson, module_id: module, title: 'Only lesson', kind: 'TEXT', position: 1 }]);
    // Enrolling is not an operation yet: Ada is enrolled directly.
    await insertRows(db, 'learning.enrollments', [{ user_id: ada.id, course_id: course }]);
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('certificates through the gateway', () => {
  it('completing the course issues a certificate anyone can verify without a token, until it expires or is revoked', async () => {
    await as(stack, ada, SYNC, { entries: [{ lessonId: lesson, progressPercent: 100, recordedAt: new Date().toISOString() }] });
    const mine = await as<{ me: { certificates: { id: string; verificationCode: string; status: string }[] } }>(
      stack,
      ada,
      `{ me { certificates { id verificationCode status } } }`,
    );
    expect(mine.me.certificates).toHaveLength(1);
    const [certificate] = mine.me.certificates;
    const verify = async () => {
      const { body } = await stack.query<{ verifyCertificate: { status: string; user: { id: string; displayName: string } } | null }>(VERIFY, {
        code: certificate!.verificationCode,
      });
      expect(body.errors).toBeUndefined();
      return body.data!.verifyCertificate;
    };
    expect(await verify()).toMatchObject({ status: 'ACTIVE', user: { id: ada.id, displayName: ada.displayName }, course: { title: 'Certified' } });

    const refused = await stack.query(REVOKE, { id: certificate!.id }, { authorization: `Bearer ${ada.accessToken}` });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await adminRows(stack.database.adminUrl, `UPDATE learning.certificates SET issued_at = issued_at - interval '25 months', expires_at = expires_at - interval '25 months' WHERE id = $1`, [
      certificate!.id,
    ]);
    expect((await verify())!.status).toBe('EXPIRED');
    expect(await as(stack, admin, REVOKE, { id: certificate!.id })).toEqual({ revokeCertificate: { status: 'REVOKED' } });
    expect((await verify())!.status).toBe('REVOKED');
  });

  it('answers null for an unknown code', async () => {
    const { body } = await stack.query(VERIFY, { code: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(body).toEqual({ data: { verifyCertificate: null } });
  });
});
