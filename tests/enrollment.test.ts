// Enrolling through the gateway, and the course access commerce's events grant and end. A free
// course enrolls at once (once, however many calls race); a priced one answers PAYMENT_REQUIRED
// until commerce's OrderPaid arrives, published here on commerce's own role exactly as checkout
// publishes it; OrderRefunded ends the access; setCoursePrice moves a course between free and
// paid through learning's copy of the price. Last, a learning process killed part-way through
// 200 paid orders and restarted applies each of them once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase } from '@academy/service-kit';
import { createTestDatabase, type TestDatabase } from '@academy/service-kit/testing';
import { publishOrderPaid, publishOrderRefunded, type OrderEventItem } from '@academy/subgraph-commerce';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';
import { REPO_ROOT } from './support/start-command.js';

const ENROLL = /* GraphQL */ `
  mutation Enroll($courseId: ID!) { enroll(courseId: $courseId) { id status progressPercent enrolledAt course { id enrollmentCount } user { id } } }
`;
const SET_PRICE = /* GraphQL */ `
  mutation SetPrice($courseId: ID!, $amountMinor: Int!, $currency: String!) {
    setCoursePrice(courseId: $courseId, amountMinor: $amountMinor, currency: $currency) { id title price { amountMinor currency formatted } }
  }
`;
const VIEWER_ENROLLMENT = /* GraphQL */ `
  query Viewer($id: ID!) { course(id: $id) { viewerEnrollment { id status lessonProgress { progressPercent } } } }
`;
const MY_ENROLLMENTS = /* GraphQL */ `
  query Mine($first: Int, $after: String, $status: EnrollmentStatus) {
    me { enrollments(first: $first, after: $after, status: $status) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id status course { id title } } }
    } }
  }
`;
const CATALOGUE = /* GraphQL */ `
  query Catalogue($isFree: Boolean) { courses(first: 100, filter: { isFree: $isFree }) { totalCount edges { node { id } } } }
`;

const WAIT_MS = 20_000;

/** Polls `read` until `done` holds of its answer; the answer then. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await delay(25);
  }
}

const courseAccess = (courseId: string): OrderEventItem => ({
  orderItemId: uuid(),
  kind: 'COURSE_ACCESS',
  quantity: 1,
  courseId,
  sessionId: null,
  registrationId: null,
  ticketTypeId: null,
});

const publishedCourse = (id: string, slug: string, title: string) => ({
  id, slug, title, level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date(),
});

describe('enrolling through the gateway', () => {
  let stack: TestStack;
  let commerce: ReturnType<typeof createDatabase<any>>;
  let ada: SignedUpUser;
  let ben: SignedUpUser;
  let admin: SignedUpUser;
  const free = uuid();
  const priced = uuid();
  const draft = uuid();
  const lesson = uuid();
  const more = [uuid(), uuid(), uuid(), uuid()];

  const errorOf = async (user: SignedUpUser | null, query: string, variables: Record<string, unknown>) => {
    const { body } = await stack.query(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {});
    return body.errors?.[0] as { message: string; extensions?: { code?: string; field?: string } } | undefined;
  };
  const enrollmentRows = (courseId: string) =>
    adminRows<{ id: string; user_id: string; status: string; source: string; order_id: string | null; cancelled_at: Date | null }>(
      stack.database.adminUrl,
      'SELECT id, user_id, status, source, order_id, cancelled_at FROM learning.enrollments WHERE course_id = $1',
      [courseId],
    );
  const counters = async (courseId: string) =>
    (await adminRows<{ enrollment_count: number; completed_count: number }>(stack.database.adminUrl, 'SELECT enrollment_count, completed_count FROM learning.courses WHERE id = $1', [courseId]))[0]!;
  const enrollmentEvents = (courseId: string) =>
    adminRows<{ payload: Record<string, unknown> }>(
      stack.database.adminUrl,
      "SELECT payload FROM learning.outbox WHERE type = 'EnrollmentCreated' AND payload->>'courseId' = $1 ORDER BY tx_id, id",
      [courseId],
    );
  /** Appends commerce events in one transaction of commerce's own role; their event ids. */
  const onCommerce = (publish: (trx: any) => Promise<string>[] | Promise<string>) =>
    commerce.db.transaction().execute(async (trx) => {
      const published = publish(trx);
      return Promise.all(Array.isArray(published) ? published : [published]);
    });
  /** Waits until learning's commerce consumer recorded every one of `eventIds`. */
  const processed = (eventIds: string[]) =>
    until(
      () => adminRows<{ n: number }>(stack.database.adminUrl, "SELECT count(*)::int AS n FROM learning.processed_events WHERE consumer = 'learning.commerce' AND event_id = ANY($1::uuid[])", [eventIds]),
      (rows) => rows[0]!.n === eventIds.length,
      'the consumer to process the events',
    );
  const viewerEnrollment = async (user: SignedUpUser, courseId: string) =>
    (await as<{ course: { viewerEnrollment: { id: string; status: string } | null } }>(stack, user, VIEWER_ENROLLMENT, { id: courseId })).course.viewerEnrollment;
  const catalogue = async (isFree: boolean) =>
    (await stack.query<{ courses: { edges: { node: { id: string } }[] } }>(CATALOGUE, { isFree })).body.data!.courses.edges.map((e) => e.node.id);

  beforeAll(async () => {
    stack = await startStack();
    commerce = createDatabase<any>({ connectionString: stack.database.urlFor('academy_commerce'), poolSize: 2 });
    [ada, ben, admin] = await Promise.all([signUpUser(stack, 'Ada'), signUpUser(stack, 'Ben'), signUpWithRoles(stack, 'Admin', ['LEARNER', 'ADMIN'])]);
    const module = uuid();
    await withAdmin(stack.database.adminUrl, async (db) => {
      await insertRows(db, 'learning.courses', [
        publishedCourse(free, 'free-course', 'Free course'),
        publishedCourse(priced, 'priced-course', 'Priced course'),
        ...more.map((id, i) => publishedCourse(id, `more-${i}`, `More ${i}`)),
      ]);
      await insertRows(db, 'learning.courses', [{ id: draft, slug: 'draft-course', title: 'Draft', level: 'BEGINNER', language: 'en-GB', status: 'DRAFT' }]);
      await insertRows(db, 'learning.modules', [{ id: module, course_id: free, title: 'Only', position: 1 }]);
      await insertRows(db, 'learning.lessons', [{ id: lesson, module_id: module, title: 'Only lesson', kind: 'TEXT', position: 1 }]);
    });
  }, 60_000);

  afterAll(async () => {
    await commerce?.close();
    await stack?.stop();
  });

  it('enrolls in a free course once, however many calls race, and publishes EnrollmentCreated once', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => as<{ enroll: { id: string; status: string } }>(stack, ada, ENROLL, { courseId: free })));
    const ids = new Set(answers.map((a) => a.enroll.id));
    expect(ids.size).toBe(1);
    expect(answers.every((a) => a.enroll.status === 'ACTIVE')).toBe(true);
    expect(await enrollmentRows(free)).toEqual([expect.objectContaining({ user_id: ada.id, status: 'ACTIVE', source: 'FREE', order_id: null })]);
    expect((await counters(free)).enrollment_count).toBe(1);
    const [id] = ids;
    expect(await enrollmentEvents(free)).toEqual([
      { payload: { enrollmentId: id, userId: ada.id, courseId: free, enrolledAt: expect.any(String), source: 'FREE', orderId: null, reactivated: false } },
    ]);
    // Again later: the same enrollment, nothing more.
    expect((await as<{ enroll: { id: string } }>(stack, ada, ENROLL, { courseId: free })).enroll.id).toBe(id);
    expect((await counters(free)).enrollment_count).toBe(1);
    expect(await enrollmentEvents(free)).toHaveLength(1);
    // Course.viewerEnrollment and Enrollment.lessonProgress see it.
    expect(await viewerEnrollment(ada, free)).toEqual({ id, status: 'ACTIVE', lessonProgress: [] });
  });

  it('refuses a draft, an unknown course, a bad id and an anonymous caller', async () => {
    expect((await errorOf(ada, ENROLL, { courseId: draft }))?.extensions?.code).toBe('NOT_FOUND');
    expect((await errorOf(ada, ENROLL, { courseId: uuid() }))?.extensions?.code).toBe('NOT_FOUND');
    expect((await errorOf(ada, ENROLL, { courseId: 'nope' }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'courseId' });
    expect((await errorOf(null, ENROLL, { courseId: free }))?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await enrollmentRows(draft)).toEqual([]);
  });

  it('lets only ADMIN set a price, checking every argument', async () => {
    expect((await errorOf(ada, SET_PRICE, { courseId: priced, amountMinor: 4900, currency: 'GBP' }))?.extensions?.code).toBe('FORBIDDEN');
    const refused = [
      [{ courseId: 'x', amountMinor: 4900, currency: 'GBP' }, 'courseId'],
      [{ courseId: priced, amountMinor: -1, currency: 'GBP' }, 'amountMinor'],
      [{ courseId: priced, amountMinor: 1_000_000_000, currency: 'GBP' }, 'amountMinor'],
      [{ courseId: priced, amountMinor: 4900, currency: 'XYZ' }, 'currency'],
      [{ courseId: priced, amountMinor: 4900, currency: 'pounds' }, 'currency'],
    ] as const;
    for (const [variables, field] of refused) {
      expect((await errorOf(admin, SET_PRICE, variables))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await adminRows(stack.database.adminUrl, "SELECT 1 FROM commerce.outbox WHERE type = 'CoursePriceSet'")).toEqual([]);
  });

  it('answers PAYMENT_REQUIRED for a priced course, and enrolls once commerce reports the order paid', async () => {
    const set = await as<{ setCoursePrice: unknown }>(stack, admin, SET_PRICE, { courseId: priced, amountMinor: 4900, currency: 'GBP' });
    expect(set.setCoursePrice).toEqual({ id: priced, title: 'Priced course', price: { amountMinor: 4900, currency: 'GBP', formatted: '£49.00' } });
    await until(() => catalogue(false), (ids) => ids.includes(priced), 'the course to be listed as paid');
    expect(await catalogue(true)).toEqual(expect.arrayContaining([free, ...more]));
    expect(await catalogue(true)).not.toContain(priced);

    const refused = await errorOf(ben, ENROLL, { courseId: priced });
    expect(refused?.extensions?.code).toBe('PAYMENT_REQUIRED');
    expect(refused?.message).toMatch(/check/i);
    expect(await enrollmentRows(priced)).toEqual([]);

    const orderId = uuid();
    const order = { orderId, reference: 'ORD-1', userId: ben.id, paidAt: new Date().toISOString(), items: [courseAccess(priced)] };
    await onCommerce((trx) => publishOrderPaid(trx, order));
    const enrolled = await until(() => viewerEnrollment(ben, priced), (e) => e !== null, 'the paid order to enroll Ben');
    expect(enrolled!.status).toBe('ACTIVE');
    expect(await enrollmentRows(priced)).toEqual([expect.objectContaining({ id: enrolled!.id, source: 'ORDER', order_id: orderId })]);
    expect(await counters(priced)).toEqual({ enrollment_count: 1, completed_count: 0 });
    expect(await enrollmentEvents(priced)).toEqual([
      { payload: { enrollmentId: enrolled!.id, userId: ben.id, courseId: priced, enrolledAt: expect.any(String), source: 'ORDER', orderId, reactivated: false } },
    ]);
    // Enrolled now: enroll answers the enrollment instead of asking for payment.
    expect((await as<{ enroll: { id: string } }>(stack, ben, ENROLL, { courseId: priced })).enroll.id).toBe(enrolled!.id);

    // The same order reported paid again (another event) changes nothing.
    await processed(await onCommerce((trx) => publishOrderPaid(trx, { ...order, paidAt: new Date().toISOString() })));
    expect(await enrollmentRows(priced)).toHaveLength(1);
    expect(await counters(priced)).toEqual({ enrollment_count: 1, completed_count: 0 });
    expect(await enrollmentEvents(priced)).toHaveLength(1);

    // The refund ends the access; a later replay of the paid order does not bring it back.
    const refund = { orderId, reference: 'ORD-1', userId: ben.id, refundId: uuid(), refundedAt: new Date().toISOString(), full: true, items: [courseAccess(priced)] };
    await onCommerce((trx) => publishOrderRefunded(trx, refund));
    await until(() => viewerEnrollment(ben, priced), (e) => e?.status === 'CANCELLED', 'the refund to end access');
    await processed(await onCommerce((trx) => [publishOrderPaid(trx, { ...order, paidAt: new Date().toISOString() }), publishOrderRefunded(trx, { ...refund, refundId: uuid() })]));
    expect(await enrollmentRows(priced)).toEqual([expect.objectContaining({ id: enrolled!.id, status: 'CANCELLED', cancelled_at: expect.any(Date) })]);
    expect(await counters(priced)).toEqual({ enrollment_count: 1, completed_count: 0 });
    expect(await enrollmentEvents(priced)).toHaveLength(1);
    expect((await errorOf(ben, ENROLL, { courseId: priced }))?.extensions?.code).toBe('PAYMENT_REQUIRED');

    // Made free: enroll re-activates the cancelled enrollment (same id, still one counted).
    await as(stack, admin, SET_PRICE, { courseId: priced, amountMinor: 0, currency: 'GBP' });
    await until(() => catalogue(true), (ids) => ids.includes(priced), 'the course to be listed as free');
    const again = await as<{ enroll: { id: string; status: string } }>(stack, ben, ENROLL, { courseId: priced });
    expect(again.enroll).toMatchObject({ id: enrolled!.id, status: 'ACTIVE' });
    expect(await enrollmentRows(priced)).toEqual([expect.objectContaining({ id: enrolled!.id, status: 'ACTIVE', source: 'FREE', order_id: null, cancelled_at: null })]);
    expect(await counters(priced)).toEqual({ enrollment_count: 1, completed_count: 0 });
    expect((await enrollmentEvents(priced)).map((e) => e.payload.reactivated)).toEqual([false, true]);
    expect((await as<{ setCoursePrice: { price: unknown } }>(stack, admin, SET_PRICE, { courseId: free, amountMinor: 0, currency: 'EUR' })).setCoursePrice.price).toBeNull();
  });

  it('lists a user’s enrollments newest first, page by page with the exact total, to the user and ADMIN only', async () => {
    for (const id of more) await as(stack, ada, ENROLL, { courseId: id });
    type Page = { me: { enrollments: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null }; edges: { node: { id: string; status: string; course: { id: string } } }[] } } };
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      const { me }: Page = await as<Page>(stack, ada, MY_ENROLLMENTS, { first: 2, after });
      expect(me.enrollments.totalCount).toBe(5);
      expect(me.enrollments.pageInfo.hasPreviousPage).toBe(page > 0);
      seen.push(...me.enrollments.edges.map((e) => e.node.course.id));
      if (!me.enrollments.pageInfo.hasNextPage) break;
      after = me.enrollments.pageInfo.endCursor;
    }
    expect(seen).toEqual([...more].reverse().concat(free));
    const active = await as<Page>(stack, ada, MY_ENROLLMENTS, { first: 0, status: 'ACTIVE' });
    expect(active.me.enrollments).toMatchObject({ totalCount: 5, edges: [] });
    expect((await as<Page>(stack, ada, MY_ENROLLMENTS, { status: 'CANCELLED' })).me.enrollments.totalCount).toBe(0);
    expect((await errorOf(ada, MY_ENROLLMENTS, { first: 101 }))?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await errorOf(ada, MY_ENROLLMENTS, { after: 'not-a-cursor' }))?.extensions?.code).toBe('BAD_USER_INPUT');

    // Through User: Ben sees none of Ada's, ADMIN sees them all.
    const viaUser = async (user: SignedUpUser) =>
      (await as<{ user: { enrollments: { totalCount: number; edges: unknown[] } } | null }>(stack, user, `query($id: ID!) { user(id: $id) { enrollments { totalCount edges { node { id } } } } }`, { id: ada.id })).user?.enrollments;
    expect(await viaUser(ben)).toEqual({ totalCount: 0, edges: [] });
    expect((await viaUser(admin))?.totalCount).toBe(5);

    // A list of users asks each one's first page: one learning statement for all of them.
    const before = stack.subgraphs.learning.statements();
    const listed = await as<{ users: { edges: { node: { id: string; enrollments: { totalCount: number; edges: { node: { id: string } }[] } } }[] } }>(
      stack,
      admin,
      `{ users(first: 100) { edges { node { id enrollments(first: 3) { totalCount edges { node { id } } } } } } }`,
    );
    expect(stack.subgraphs.learning.statements() - before).toBe(1);
    const byUser = new Map(listed.users.edges.map((e) => [e.node.id, e.node.enrollments]));
    expect(byUser.get(ada.id)).toMatchObject({ totalCount: 5 });
    expect(byUser.get(ada.id)?.edges).toHaveLength(3);
    expect(byUser.get(ben.id)).toMatchObject({ totalCount: 1 });
  });
});

describe('a learning process killed part-way through paid orders', () => {
  const ORDERS = 200;
  /** The order from which the paid orders name the second course, held locked to stop the consumer there. */
  const HELD_FROM = 150;
  let database: TestDatabase;
  const children: ChildProcess[] = [];
  const first = uuid();
  const second = uuid();

  const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

  /** learning's index.ts as a process of its own on the test database: its commerce consumer starts with it. */
  function startLearning(): ChildProcess {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'subgraphs/learning/src/index.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.urlFor('academy_learning'),
        GATEWAY_SECRET: randomBytes(32).toString('base64url'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  }

  const scalar = async (text: string, values: unknown[] = []) => Number((await adminRows<{ n: string }>(database.adminUrl, text, values))[0]!.n);
  const processedCount = () => scalar("SELECT count(*) AS n FROM learning.processed_events WHERE consumer = 'learning.commerce'");

  beforeAll(async () => {
    database = await createTestDatabase();
    await withAdmin(database.adminUrl, (db) => insertRows(db, 'learning.courses', [publishedCourse(first, 'first', 'First'), publishedCourse(second, 'second', 'Second')]));
    const commerce = createDatabase<any>({ connectionString: database.urlFor('academy_commerce'), poolSize: 1 });
    try {
      await commerce.db.transaction().execute(async (trx) => {
        for (let i = 1; i <= ORDERS; i++) {
          const items = [courseAccess(i < HELD_FROM ? first : second)];
          await publishOrderPaid(trx, { orderId: uuid(), reference: `ORD-${i}`, userId: uuid(), paidAt: new Date().toISOString(), items });
        }
      });
    } finally {
      await commerce.close();
    }
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (alive(child)) child.kill('SIGKILL');
    await database?.drop();
  });

  it('applies each event once after a SIGKILL and a restart', async () => {
    // The second course's row is held, so the consumer stops inside its second batch of 100, in
    // the transaction of the first order for that course, with 49 of the batch done.
    const holder = new pg.Client({ connectionString: database.adminUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM learning.courses WHERE id = $1 FOR UPDATE', [second]);
      const killed = startLearning();
      const reached = await until(processedCount, (n) => n >= HELD_FROM - 1, 'the consumer to reach the held course');
      expect(reached).toBe(HELD_FROM - 1);
      expect(reached).toBeGreaterThan(0);
      expect(reached).toBeLessThan(ORDERS);
      killed.kill('SIGKILL');
      await new Promise((resolve) => (alive(killed) ? killed.once('exit', resolve) : resolve(null)));
      // Killed mid-batch: the checkpoint is still at the end of the first batch.
      expect(await scalar("SELECT last_id AS n FROM learning.event_checkpoints WHERE consumer = 'learning.commerce'")).toBe(
        await scalar('SELECT id AS n FROM commerce.outbox ORDER BY tx_id, id OFFSET 99 LIMIT 1'),
      );
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }

    startLearning();
    await until(() => scalar('SELECT count(*) AS n FROM learning.enrollments'), (n) => n === ORDERS, 'every order to be enrolled');
    await until(processedCount, (n) => n === ORDERS, 'every event to be processed');
    expect(await scalar('SELECT count(DISTINCT user_id) AS n FROM learning.enrollments')).toBe(ORDERS);
    const counts = await adminRows<{ id: string; enrollment_count: number }>(database.adminUrl, 'SELECT id, enrollment_count FROM learning.courses ORDER BY slug');
    expect(counts).toEqual([
      { id: first, enrollment_count: HELD_FROM - 1 },
      { id: second, enrollment_count: ORDERS - HELD_FROM + 1 },
    ]);
    expect(await scalar("SELECT count(*) AS n FROM learning.outbox WHERE type = 'EnrollmentCreated'")).toBe(ORDERS);
    expect(await scalar("SELECT count(DISTINCT aggregate_id) AS n FROM learning.outbox WHERE type = 'EnrollmentCreated'")).toBe(ORDERS);
  }, 120_000);
});
