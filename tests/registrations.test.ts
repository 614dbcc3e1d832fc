// Registrations through the gateway: no overselling under concurrency, one live registration per
// user and session, seat holds released by the job (also right after a restart), commerce's
// events confirming, refunding and releasing seats exactly once, check-in and attendance.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createDatabase, createLogger, type Database } from '@academy/service-kit';
import { mintTestAccessToken } from '@academy/service-kit/testing';
import { publishCoursePriceSet, publishOrderCancelled, publishOrderPaid, publishOrderRefunded, type OrderEventItem } from '@academy/subgraph-commerce';
import {
  buildSchedulingSubgraph,
  COMMERCE_CONSUMER,
  createCommerceEventConsumer,
  type SchedulingDatabase,
} from '@academy/subgraph-scheduling';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const REGISTER = /* GraphQL */ `
  mutation Register($sessionId: ID!, $referredByUserId: ID, $specialRequirements: [SpecialRequirementInput!]) {
    registerForSession(sessionId: $sessionId, referredByUserId: $referredByUserId, specialRequirements: $specialRequirements) {
      id status holdExpiresAt checkInCode session { id seatsTaken seatsAvailable }
    }
  }
`;
const CANCEL = `mutation($id: ID!) { cancelRegistration(id: $id) { id status session { seatsTaken } } }`;
const CHECK_IN = `mutation($code: String!) { checkIn(code: $code) { id status attendance { status checkedInAt certificateEligible } } }`;
const RECORD = `mutation($id: ID!, $status: AttendanceStatus!) { recordAttendance(registrationId: $id, status: $status) { id status attendance { status } } }`;

let stack: TestStack;
let commerce: Database<any>;
let scheduling: Database<SchedulingDatabase>;
let admin: SignedUpUser;
let organizer: SignedUpUser;
let trainerUser: SignedUpUser;
let learner: SignedUpUser;
const trainerId = uuid();
const freeCourse = uuid();
const pricedCourse = uuid();

/** A token for a user who exists only as an id: scheduling needs no more to register them. */
async function tokenFor(userId: string, roles: string[] = ['LEARNER']): Promise<SignedUpUser> {
  const accessToken = await mintTestAccessToken({ userId, roles, privateKey: createPrivateKey(stack.signingKey.pem), keyId: stack.signingKey.kid });
  return { id: userId, email: `${userId}@example.test`, displayName: 'Tester', accessToken };
}

/** Sessions made by session() so far: each default one starts an hour after the one before (one trainer runs them). */
let sessionsMade = 0;

/** A session starting in a week (or as given), inserted as scheduling's rows. */
async function session(options: { capacity: number; course?: string; startsInHours?: number; trainer?: string | null; status?: string; onlineJoinUrl?: string }): Promise<string> {
  const id = uuid();
  const startsInHours = options.startsInHours ?? 24 * 7 + sessionsMade++;
  const startsAt = new Date(Date.now() + startsInHours * 3_600_000);
  await withAdmin(stack.database.adminUrl, (db) =>
    insertRows(db, 'scheduling.training_sessions', [
      {
        id,
        course_id: options.course ?? freeCourse,
        trainer_id: options.trainer === undefined ? trainerId : options.trainer,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 3_600_000),
        status: options.status ?? 'SCHEDULED',
        capacity: options.capacity,
        online_join_url: options.onlineJoinUrl ?? null,
      },
    ]),
  );
  return id;
}

const send = (user: SignedUpUser, query: string, variables: Record<string, unknown>) =>
  stack.query<Record<string, any>>(query, variables, { authorization: `Bearer ${user.accessToken}` });

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;

const seatsTaken = async (sessionId: string) =>
  (await adminRows<{ seats_taken: number }>(stack.database.adminUrl, 'SELECT seats_taken FROM scheduling.training_sessions WHERE id = $1', [sessionId]))[0]!.seats_taken;

const liveCount = async (sessionId: string) =>
  Number(
    (await adminRows<{ n: string }>(
      stack.database.adminUrl,
      "SELECT count(*) AS n FROM scheduling.registrations WHERE session_id = $1 AND status IN ('PENDING_PAYMENT','CONFIRMED','ATTENDED','NO_SHOW')",
      [sessionId],
    ))[0]!.n,
  );

const statusOf = async (registrationId: string) =>
  (await adminRows<{ status: string; refund_due_reason: string | null }>(stack.database.adminUrl, 'SELECT status, refund_due_reason FROM scheduling.registrations WHERE id = $1', [registrationId]))[0]!;

const eventsOf = (aggregateId: string) =>
  adminRows<{ type: string; payload: Record<string, unknown> }>(stack.database.adminUrl, 'SELECT type, payload FROM scheduling.outbox WHERE aggregate_id = $1 ORDER BY tx_id, id', [aggregateId]);

/** Polls until `check` holds (events and the job work in the background). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await delay(50);
  }
}

/** Publishes in one transaction on commerce's own role, as checkout will. */
const publish = (write: (trx: Parameters<typeof publishOrderPaid>[0]) => Promise<string>) => commerce.db.transaction().execute(write);

const seatItem = (registrationId: string, sessionId: string): OrderEventItem => ({
  orderItemId: uuid(), kind: 'SESSION_SEAT', quantity: 1, courseId: null, sessionId, registrationId, ticketTypeId: null,
});

async function register(user: SignedUpUser, sessionId: string, extra: Record<string, unknown> = {}) {
  return (await as<{ registerForSession: any }>(stack, user, REGISTER, { sessionId, ...extra })).registerForSession;
}

beforeAll(async () => {
  // Each figure here counts one or a few users: a minimum group of 1 shows every bucket as counted
  // (withholding is tested in figures.test.ts).
  stack = await startStack({ minGroupSize: 1, scheduling: { holdReleaseIntervalMs: 200 } });
  commerce = createDatabase<any>({ connectionString: stack.database.urlFor('academy_commerce') });
  scheduling = createDatabase<SchedulingDatabase>({ connectionString: stack.database.urlFor('academy_scheduling') });
  admin = await signUpWithRoles(stack, 'Admin', ['ADMIN']);
  organizer = await signUpWithRoles(stack, 'Organizer', ['ORGANIZER']);
  trainerUser = await signUpWithRoles(stack, 'Trainer', ['TRAINER']);
  learner = await signUpWithRoles(stack, 'Learner', ['LEARNER']);
  await withAdmin(stack.database.adminUrl, (db) => insertRows(db, 'scheduling.trainers', [{ id: trainerId, user_id: trainerUser.id }]));
  await publish((trx) => publishCoursePriceSet(trx, { courseId: pricedCourse, price: { amountMinor: 7500, currency: 'GBP' }, setAt: new Date().toISOString() }));
  await publish((trx) => publishCoursePriceSet(trx, { courseId: freeCourse, price: null, setAt: new Date().toISOString() }));
  await eventually(
    () => adminRows(stack.database.adminUrl, 'SELECT course_id FROM scheduling.course_prices WHERE course_id = ANY($1::uuid[])', [[pricedCourse, freeCourse]]),
    (rows) => rows.length === 2,
    'the course prices',
  );
}, 60_000);

afterAll(async () => {
  await commerce?.close();
  await scheduling?.close();
  await stack?.stop();
});

describe('registerForSession', () => {
  it('never oversells: 200 users at once for 20 seats get exactly 20 registrations and 180 CONFLICT, ten times over', async () => {
    const users = await Promise.all(Array.from({ length: 200 }, () => tokenFor(randomUUID())));
    for (let round = 0; round < 10; round++) {
      const sessionId = await session({ capacity: 20 });
      const answers = await Promise.all(users.map((user) => send(user, REGISTER, { sessionId })));
      const codes = answers.map(({ body }) => codeOf(body) ?? body.data!.registerForSession.status);
      expect(codes.filter((c) => c === 'CONFIRMED')).toHaveLength(20);
      expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(180);
      expect(await seatsTaken(sessionId)).toBe(20);
      expect(await liveCount(sessionId)).toBe(20);
    }
  }, 240_000);

  it('registers a user once when they register twice at once, and again after cancelling', async () => {
    const sessionId = await session({ capacity: 5 });
    const user = await tokenFor(randomUUID());
    const answers = await Promise.all(Array.from({ length: 4 }, () => send(user, REGISTER, { sessionId })));
    const won = answers.filter(({ body }) => !body.errors);
    const lost = answers.filter(({ body }) => body.errors);
    expect(won).toHaveLength(1);
    expect(lost.map(({ body }) => [codeOf(body), body.errors![0]!.message])).toEqual(Array(3).fill(['CONFLICT', 'You are already registered for this session.']));
    expect(await seatsTaken(sessionId)).toBe(1);
    const id = won[0]!.body.data!.registerForSession.id;
    await as(stack, user, CANCEL, { id });
    expect((await register(user, sessionId)).status).toBe('CONFIRMED');
    expect(await seatsTaken(sessionId)).toBe(1);
  });

  it('confirms a free session at once with a check-in code for its owner only, and holds a priced one for payment', async () => {
    const free = await session({ capacity: 3 });
    const confirmed = await register(learner, free);
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', holdExpiresAt: null, session: { seatsTaken: 1, seatsAvailable: 2 } });
    expect(confirmed.checkInCode).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect((await eventsOf(confirmed.id)).map((e) => e.type)).toEqual(['RegistrationConfirmed']);

    const priced = await session({ capacity: 3, course: pricedCourse });
    const before = Date.now();
    const held = await register(learner, priced);
    expect(held.status).toBe('PENDING_PAYMENT');
    expect(held.checkInCode).toBeNull();
    const hold = new Date(held.holdExpiresAt).getTime() - before;
    expect(hold).toBeGreaterThan(14 * 60_000);
    expect(hold).toBeLessThanOrEqual(15 * 60_000 + 1000);
    expect((await eventsOf(held.id)).map((e) => e.type)).toEqual(['RegistrationHeld']);

    // Someone else (the trainer, via the roster) never sees the code.
    const roster = await as<{ trainingSession: { registrations: { id: string; checkInCode: string | null }[] } }>(
      stack, trainerUser, `query($id: ID!) { trainingSession(id: $id) { registrations { id checkInCode } } }`, { id: free },
    );
    expect(roster.trainingSession.registrations).toEqual([{ id: confirmed.id, checkInCode: null }]);
  });

  it('refuses unknown, full, started and cancelled sessions, and anonymous callers', async () => {
    expect(codeOf((await send(learner, REGISTER, { sessionId: uuid() })).body)).toBe('NOT_FOUND');
    expect(codeOf((await send(learner, REGISTER, { sessionId: 'nope' })).body)).toBe('BAD_USER_INPUT');
    const started = await session({ capacity: 3, startsInHours: -0.5 });
    expect(codeOf((await send(learner, REGISTER, { sessionId: started })).body)).toBe('CONFLICT');
    const cancelled = await session({ capacity: 3, status: 'CANCELLED' });
    expect(codeOf((await send(learner, REGISTER, { sessionId: cancelled })).body)).toBe('CONFLICT');
    const full = await session({ capacity: 1 });
    await register(await tokenFor(randomUUID()), full);
    const answer = await send(learner, REGISTER, { sessionId: full });
    expect([codeOf(answer.body), answer.body.errors![0]!.message]).toEqual(['CONFLICT', 'The session is full.']);
    expect(codeOf((await stack.query(REGISTER, { sessionId: full })).body)).toBe('UNAUTHENTICATED');
  });

  it('keeps the referrer and special requirements, each shown only to whom it may be', async () => {
    const sessionId = await session({ capacity: 3 });
    const registrant = await signUpWithRoles(stack, 'Registrant', ['LEARNER']);
    const referrer = await tokenFor(randomUUID());
    await register(registrant, sessionId, {
      referredByUserId: referrer.id,
      specialRequirements: [
        { kind: 'DIETARY', description: 'Vegetarian lunch', severity: 'LOW', shareWithTrainer: true },
        { kind: 'MEDICAL', description: 'Epilepsy', severity: 'HIGH', confidential: true, shareWithTrainer: true },
        { kind: 'ACCESSIBILITY', description: 'Step-free access', shareWithTrainer: false },
      ],
    });
    const query = `query($id: ID!) { trainingSession(id: $id) { registrations { referredBy { id } specialRequirements { kind } } } }`;
    const seenBy = async (user: SignedUpUser) =>
      (await as<{ trainingSession: { registrations: { referredBy: { id: string } | null; specialRequirements: { kind: string }[] }[] } }>(stack, user, query, { id: sessionId }))
        .trainingSession.registrations[0]!;
    expect(await seenBy(admin)).toEqual({ referredBy: { id: referrer.id }, specialRequirements: [{ kind: 'DIETARY' }, { kind: 'MEDICAL' }, { kind: 'ACCESSIBILITY' }] });
    expect(await seenBy(trainerUser)).toEqual({ referredBy: null, specialRequirements: [{ kind: 'DIETARY' }] });
    expect(await seenBy(organizer)).toEqual({ referredBy: { id: referrer.id }, specialRequirements: [] });
    expect(codeOf((await send(learner, query, { id: sessionId })).body)).toBe('FORBIDDEN');
    expect(codeOf((await send(registrant, REGISTER, { sessionId, referredByUserId: registrant.id })).body)).toBe('BAD_USER_INPUT');
  });
});

describe('cancelRegistration', () => {
  it('frees the seat exactly once, for the registrant or ADMIN only', async () => {
    const sessionId = await session({ capacity: 2 });
    const made = await register(learner, sessionId);
    expect(codeOf((await send(organizer, CANCEL, { id: made.id })).body)).toBe('NOT_FOUND');
    const answers = await Promise.all([send(learner, CANCEL, { id: made.id }), send(learner, CANCEL, { id: made.id }), send(admin, CANCEL, { id: made.id })]);
    expect(answers.map(({ body }) => body.data?.cancelRegistration.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(await seatsTaken(sessionId)).toBe(0);
    expect((await eventsOf(made.id)).map((e) => e.type)).toEqual(['RegistrationConfirmed', 'RegistrationCancelled']);
  });
});

describe('seat holds and commerce events', () => {
  it('releases a lapsed hold: EXPIRED, seat free, RegistrationExpired', async () => {
    const sessionId = await session({ capacity: 1, course: pricedCourse });
    const held = await register(learner, sessionId);
    const other = await tokenFor(randomUUID());
    expect(codeOf((await send(other, REGISTER, { sessionId })).body)).toBe('CONFLICT');
    await adminRows(stack.database.adminUrl, "UPDATE scheduling.registrations SET hold_expires_at = now() - interval '1 second' WHERE id = $1", [held.id]);
    await eventually(() => statusOf(held.id), (r) => r.status === 'EXPIRED', 'the hold to lapse');
    expect(await seatsTaken(sessionId)).toBe(0);
    expect((await eventsOf(held.id)).map((e) => e.type)).toEqual(['RegistrationHeld', 'RegistrationExpired']);
    expect((await register(other, sessionId)).status).toBe('PENDING_PAYMENT');
  });

  it('confirms a paid seat on OrderPaid once; a replay from the start changes nothing', async () => {
    const sessionId = await session({ capacity: 2, course: pricedCourse });
    const held = await register(learner, sessionId);
    const orderId = uuid();
    await publish((trx) => publishOrderPaid(trx, { orderId, reference: 'ACD-1', userId: learner.id, paidAt: new Date().toISOString(), items: [seatItem(held.id, sessionId)] }));
    await eventually(() => statusOf(held.id), (r) => r.status === 'CONFIRMED', 'the seat to be confirmed');
    expect(await seatsTaken(sessionId)).toBe(1);

    // Every event read again by another instance from the start: recorded as processed, nothing moves.
    const replay = createCommerceEventConsumer({ db: scheduling.db, logger: createLogger('silent') });
    await adminRows(stack.database.adminUrl, "UPDATE scheduling.event_checkpoints SET tx_id = '0', last_id = 0 WHERE consumer = $1", [COMMERCE_CONSUMER]);
    await replay.drain();
    await replay.stop();
    expect(await seatsTaken(sessionId)).toBe(1);
    expect((await eventsOf(held.id)).map((e) => e.type)).toEqual(['RegistrationHeld', 'RegistrationConfirmed']);
  });

  it('confirms a payment that arrives after the hold lapsed while a seat is free, and marks it for a refund when none is', async () => {
    const sessionId = await session({ capacity: 1, course: pricedCourse });
    const late = await register(learner, sessionId);
    await adminRows(stack.database.adminUrl, "UPDATE scheduling.registrations SET hold_expires_at = now() - interval '1 second' WHERE id = $1", [late.id]);
    await eventually(() => statusOf(late.id), (r) => r.status === 'EXPIRED', 'the hold to lapse');
    await publish((trx) => publishOrderPaid(trx, { orderId: uuid(), reference: 'ACD-2', userId: learner.id, paidAt: new Date().toISOString(), items: [seatItem(late.id, sessionId)] }));
    await eventually(() => statusOf(late.id), (r) => r.status === 'CONFIRMED', 'the late payment to take the free seat');
    expect(await seatsTaken(sessionId)).toBe(1);

    const full = await session({ capacity: 1, course: pricedCourse });
    const lost = await register(learner, full);
    await adminRows(stack.database.adminUrl, "UPDATE scheduling.registrations SET hold_expires_at = now() - interval '1 second' WHERE id = $1", [lost.id]);
    await eventually(() => statusOf(lost.id), (r) => r.status === 'EXPIRED', 'the hold to lapse');
    await register(await tokenFor(randomUUID()), full);
    await publish((trx) => publishOrderPaid(trx, { orderId: uuid(), reference: 'ACD-3', userId: learner.id, paidAt: new Date().toISOString(), items: [seatItem(lost.id, full)] }));
    const marked = await eventually(() => statusOf(lost.id), (r) => r.refund_due_reason !== null, 'the payment to be marked for a refund');
    expect(marked).toEqual({ status: 'EXPIRED', refund_due_reason: 'No seat was left when the payment arrived.' });
    expect(await seatsTaken(full)).toBe(1);
    expect((await eventsOf(lost.id)).map((e) => e.type)).toEqual(['RegistrationHeld', 'RegistrationExpired', 'RegistrationPaidWithoutSeat']);
  });

  it('cancels refunded seats and releases the holds of a cancelled or expired order, each seat once', async () => {
    const sessionId = await session({ capacity: 3, course: pricedCourse });
    const paid = await register(learner, sessionId);
    const orderId = uuid();
    await publish((trx) => publishOrderPaid(trx, { orderId, reference: 'ACD-4', userId: learner.id, paidAt: new Date().toISOString(), items: [seatItem(paid.id, sessionId)] }));
    await eventually(() => statusOf(paid.id), (r) => r.status === 'CONFIRMED', 'the seat to be confirmed');
    const refund = () =>
      publish((trx) => publishOrderRefunded(trx, { orderId, reference: 'ACD-4', userId: learner.id, refundId: uuid(), refundedAt: new Date().toISOString(), full: true, items: [seatItem(paid.id, sessionId)] }));
    await refund();
    await refund();
    await eventually(() => statusOf(paid.id), (r) => r.status === 'CANCELLED', 'the refund to cancel the seat');

    const a = await register(await tokenFor(randomUUID()), sessionId);
    const b = await register(await tokenFor(randomUUID()), sessionId);
    const owner = async (registrationId: string) =>
      (await adminRows<{ user_id: string }>(stack.database.adminUrl, 'SELECT user_id FROM scheduling.registrations WHERE id = $1', [registrationId]))[0]!.user_id;
    await publish((trx) =>
      publishOrderCancelled(trx, { orderId: uuid(), reference: 'ACD-5', userId: uuid(), cancelledAt: new Date().toISOString(), reason: 'CANCELLED', items: [seatItem(a.id, sessionId)] }),
    );
    await publish(async (trx) =>
      publishOrderCancelled(trx, { orderId: uuid(), reference: 'ACD-6', userId: await owner(b.id), cancelledAt: new Date().toISOString(), reason: 'EXPIRED', items: [seatItem(b.id, sessionId)] }),
    );
    await eventually(() => statusOf(a.id), (r) => r.status === 'CANCELLED', 'the cancelled order to release its hold');
    await eventually(() => statusOf(b.id), (r) => r.status === 'EXPIRED', 'the expired order to release its hold');
    expect(await seatsTaken(sessionId)).toBe(0);
    expect((await eventsOf(paid.id)).map((e) => e.type)).toEqual(['RegistrationHeld', 'RegistrationConfirmed', 'RegistrationCancelled']);
  });

  it('cancels every registration of a session cancelled through cancelTrainingSession, freeing each seat once', async () => {
    const sessionId = await session({ capacity: 4, course: pricedCourse });
    const made = await Promise.all([1, 2, 3].map(async () => register(await tokenFor(randomUUID()), sessionId)));
    expect(await seatsTaken(sessionId)).toBe(3);
    const cancelled = await as<{ cancelTrainingSession: { status: string; seatsTaken: number } }>(
      stack, organizer, `mutation($id: ID!) { cancelTrainingSession(id: $id, reason: "The trainer is ill.") { status seatsTaken } }`, { id: sessionId },
    );
    expect(cancelled.cancelTrainingSession).toEqual({ status: 'CANCELLED', seatsTaken: 0 });
    expect(await seatsTaken(sessionId)).toBe(0);
    for (const r of made) {
      expect((await statusOf(r.id)).status).toBe('CANCELLED');
      expect((await eventsOf(r.id)).map((e) => e.type)).toEqual(['RegistrationHeld', 'RegistrationCancelled']);
    }
    expect((await eventsOf(sessionId)).map((e) => e.type)).toEqual(['TrainingSessionCancelled']);
  });
});

describe('feedback on a training session', () => {
  const FEEDBACK = `mutation($id: ID!, $rating: Int!) { submitSessionFeedback(sessionId: $id, rating: $rating) }`;

  it('is taken once from those who attended, after the session ended, and counts in the trainer\'s averageRating', async () => {
    const sessionId = await session({ capacity: 5, startsInHours: -6 });
    const attendee = await tokenFor(randomUUID());
    const absentee = await tokenFor(randomUUID());
    const [attended, absent] = [uuid(), uuid()];
    await withAdmin(stack.database.adminUrl, async (db) => {
      await insertRows(db, 'scheduling.registrations', [
        { id: attended, session_id: sessionId, user_id: attendee.id, status: 'ATTENDED', check_in_code: randomUUID() },
        { id: absent, session_id: sessionId, user_id: absentee.id, status: 'NO_SHOW', check_in_code: randomUUID() },
      ]);
      await insertRows(db, 'scheduling.attendance_records', [
        { registration_id: attended, session_id: sessionId, user_id: attendee.id, status: 'LATE' },
        { registration_id: absent, session_id: sessionId, user_id: absentee.id, status: 'ABSENT' },
      ]);
    });
    const rating = async () =>
      (await adminRows<{ rating_sum: number; rating_count: number }>(stack.database.adminUrl, 'SELECT rating_sum, rating_count FROM scheduling.trainers WHERE id = $1', [trainerId]))[0]!;
    const before = await rating();

    expect(codeOf((await send(absentee, FEEDBACK, { id: sessionId, rating: 5 })).body)).toBe('FORBIDDEN');
    expect(codeOf((await send(learner, FEEDBACK, { id: sessionId, rating: 5 })).body)).toBe('FORBIDDEN');
    expect(codeOf((await send(attendee, FEEDBACK, { id: sessionId, rating: 6 })).body)).toBe('BAD_USER_INPUT');
    const answers = await Promise.all([send(attendee, FEEDBACK, { id: sessionId, rating: 4 }), send(attendee, FEEDBACK, { id: sessionId, rating: 4 })]);
    expect(answers.map(({ body }) => body.data?.submitSessionFeedback ?? codeOf(body)).sort()).toEqual(['CONFLICT', true].sort());
    expect(await rating()).toEqual({ rating_sum: before.rating_sum + 4, rating_count: before.rating_count + 1 });

    const upcoming = await session({ capacity: 5 });
    expect(codeOf((await send(attendee, FEEDBACK, { id: upcoming, rating: 4 })).body)).toBe('CONFLICT');
  });
});

describe('check-in and attendance', () => {
  it('checks a registrant in once, by the trainer, ORGANIZER or ADMIN; others FORBIDDEN, unknown codes NOT_FOUND', async () => {
    const sessionId = await session({ capacity: 3 });
    const made = await register(learner, sessionId);
    const code = made.checkInCode as string;
    expect(codeOf((await send(learner, CHECK_IN, { code })).body)).toBe('FORBIDDEN');
    expect(codeOf((await send(trainerUser, CHECK_IN, { code: 'A'.repeat(27) })).body)).toBe('NOT_FOUND');
    const answers = await Promise.all([send(trainerUser, CHECK_IN, { code }), send(trainerUser, CHECK_IN, { code }), send(admin, CHECK_IN, { code })]);
    const records = answers.map(({ body }) => body.data!.checkIn);
    expect(records[0]).toMatchObject({ id: made.id, status: 'ATTENDED', attendance: { status: 'PRESENT', certificateEligible: false } });
    expect(records[1]).toEqual(records[0]);
    expect(records[2]).toEqual(records[0]);
    const rows = await adminRows(stack.database.adminUrl, 'SELECT status FROM scheduling.attendance_records WHERE registration_id = $1', [made.id]);
    expect(rows).toEqual([{ status: 'PRESENT' }]);
    expect((await eventsOf(made.id)).map((e) => e.type)).toEqual(['RegistrationConfirmed', 'AttendanceRecorded']);

    const other = await register(await tokenFor(randomUUID()), sessionId);
    expect((await as<{ checkIn: { status: string } }>(stack, organizer, CHECK_IN, { code: other.checkInCode })).checkIn.status).toBe('ATTENDED');
  });

  it('records other attendance, and counts it in attendanceStats for ANALYST and ADMIN', async () => {
    const sessionId = await session({ capacity: 3, startsInHours: -3 });
    await adminRows(stack.database.adminUrl, "UPDATE scheduling.training_sessions SET starts_at = '2003-03-04T10:00:00Z', ends_at = '2003-03-04T12:00:00Z', status = 'COMPLETED' WHERE id = $1", [sessionId]);
    const [x, y] = [uuid(), uuid()];
    await withAdmin(stack.database.adminUrl, (db) =>
      insertRows(db, 'scheduling.registrations', [
        { id: x, session_id: sessionId, user_id: uuid(), status: 'CONFIRMED', check_in_code: randomUUID() },
        { id: y, session_id: sessionId, user_id: uuid(), status: 'CONFIRMED', check_in_code: randomUUID() },
      ]),
    );
    await adminRows(stack.database.adminUrl, 'UPDATE scheduling.training_sessions SET seats_taken = 2 WHERE id = $1', [sessionId]);
    const late = await as<{ recordAttendance: any }>(stack, trainerUser, RECORD, { id: x, status: 'LATE' });
    expect(late.recordAttendance).toEqual({ id: x, status: 'ATTENDED', attendance: { status: 'LATE' } });
    expect((await as<{ recordAttendance: any }>(stack, admin, RECORD, { id: y, status: 'ABSENT' })).recordAttendance.status).toBe('NO_SHOW');
    expect(codeOf((await send(learner, RECORD, { id: y, status: 'PRESENT' })).body)).toBe('FORBIDDEN');
    const eligible = await as<{ trainingSession: { registrations: { attendance: { certificateEligible: boolean } }[] } }>(
      stack, trainerUser, `query($id: ID!) { trainingSession(id: $id) { registrations { attendance { certificateEligible } } } }`, { id: sessionId },
    );
    expect(eligible.trainingSession.registrations.map((r) => r.attendance.certificateEligible).sort()).toEqual([false, true]);

    const analyst = await signUpWithRoles(stack, 'Analyst', ['ANALYST']);
    const STATS = `query($range: TimeRange!, $trainerId: ID) { attendanceStats(range: $range, granularity: DAY, trainerId: $trainerId) {
      sessions registrations attended noShows attendanceRate series { metric total points { bucket value } } } }`;
    const range = { from: '2003-03-03T00:00:00Z', to: '2003-03-06T00:00:00Z' };
    const stats = await as<{ attendanceStats: unknown }>(stack, analyst, STATS, { range, trainerId });
    expect(stats.attendanceStats).toEqual({
      sessions: 1, registrations: 2, attended: 1, noShows: 1, attendanceRate: 0.5,
      series: { metric: 'attended', total: 1, points: [
        { bucket: '2003-03-03T00:00:00.000Z', value: 0 },
        { bucket: '2003-03-04T00:00:00.000Z', value: 1 },
        { bucket: '2003-03-05T00:00:00.000Z', value: 0 },
      ] },
    });
    expect(codeOf((await send(learner, STATS, { range })).body)).toBe('FORBIDDEN');
    expect(codeOf((await send(analyst, STATS, { range: { from: range.to, to: range.from } })).body)).toBe('BAD_USER_INPUT');
  });

  it('lists a user\'s registrations to themself and ADMIN only', async () => {
    const sessionId = await session({ capacity: 2 });
    const made = await register(trainerUser, sessionId);
    // User.registrations is reached through any User the graph returns; the Registration's user is one.
    const query = `query($id: ID!) { trainingSession(id: $id) { registrations { user { id registrations(upcomingOnly: true) { id status } } } } }`;
    const seen = await as<{ trainingSession: { registrations: { user: { registrations: { id: string; status: string }[] } }[] } }>(stack, admin, query, { id: sessionId });
    expect(seen.trainingSession.registrations[0]!.user.registrations).toEqual([{ id: made.id, status: 'CONFIRMED' }]);
    const self = await as<typeof seen>(stack, trainerUser, query, { id: sessionId });
    expect(self.trainingSession.registrations[0]!.user.registrations).toEqual([{ id: made.id, status: 'CONFIRMED' }]);
    const byOrganizer = await send(organizer, query, { id: sessionId });
    expect(codeOf(byOrganizer.body)).toBe('FORBIDDEN');
  });
});

describe('online join links and check-in QR codes', () => {
  const JOIN_URL = `query($id: ID!) { trainingSession(id: $id) { onlineJoinUrl } }`;
  const joinUrlFor = async (user: SignedUpUser | null, id: string) =>
    (await stack.query<{ trainingSession: { onlineJoinUrl: string | null } }>(JOIN_URL, { id }, user ? { authorization: `Bearer ${user.accessToken}` } : {})).body.data!
      .trainingSession.onlineJoinUrl;

  it("show a session's join link to its CONFIRMED or ATTENDED registrants, its trainer and ADMIN, and to nobody else", async () => {
    const url = `https://meet.example.com/academy/${uuid()}`;
    const sessionId = await session({ capacity: 5, onlineJoinUrl: url });
    const pricedSession = await session({ capacity: 5, course: pricedCourse, onlineJoinUrl: url });
    const registrant = await signUpWithRoles(stack, 'Joiner', ['LEARNER']);
    const attendee = await tokenFor(randomUUID());
    const holder = await tokenFor(randomUUID());
    const stranger = await tokenFor(randomUUID());
    const made = await register(registrant, sessionId);
    const attended = await register(attendee, sessionId);
    await adminRows(stack.database.adminUrl, "UPDATE scheduling.registrations SET status = 'ATTENDED' WHERE id = $1", [attended.id]);
    expect((await register(holder, pricedSession)).status).toBe('PENDING_PAYMENT');

    expect(await joinUrlFor(registrant, sessionId)).toBe(url);
    expect(await joinUrlFor(attendee, sessionId)).toBe(url);
    expect(await joinUrlFor(trainerUser, sessionId)).toBe(url);
    expect(await joinUrlFor(admin, sessionId)).toBe(url);
    for (const user of [stranger, organizer, null]) expect(await joinUrlFor(user, sessionId)).toBeNull();
    // A seat held for payment does not open the link, nor does a registration for another session.
    expect(await joinUrlFor(holder, pricedSession)).toBeNull();
    expect(await joinUrlFor(registrant, pricedSession)).toBeNull();

    // Listed with the registrant's registrations (the viewer's registrations of all those sessions read at once): each link as it applies.
    const otherUrl = `https://meet.example.com/academy/${uuid()}`;
    const second = await session({ capacity: 5, onlineJoinUrl: otherUrl });
    await register(registrant, second);
    const mine = await as<{ me: { registrations: { session: { id: string; onlineJoinUrl: string | null } }[] } }>(
      stack, registrant, `{ me { registrations { session { id onlineJoinUrl } } } }`,
    );
    expect(mine.me.registrations.map((r) => r.session)).toEqual([{ id: sessionId, onlineJoinUrl: url }, { id: second, onlineJoinUrl: otherUrl }]);

    // Cancelling the registration closes the link again.
    await as(stack, registrant, CANCEL, { id: made.id });
    expect(await joinUrlFor(registrant, sessionId)).toBeNull();
  });

  it('draw the check-in code as an SVG QR code for its owner only, once the seat is confirmed', async () => {
    type Row = { id: string; status: string; checkInCode: string | null; checkInQrSvg: string | null };
    const owner = await signUpWithRoles(stack, 'Qrowner', ['LEARNER']);
    const freeSession = await session({ capacity: 3 });
    const heldSession = await session({ capacity: 3, course: pricedCourse });
    const confirmed = await register(owner, freeSession);
    const held = await register(owner, heldSession);
    const someoneElse = await register(await tokenFor(randomUUID()), freeSession);
    const fields = 'registrations { id status checkInCode checkInQrSvg }';

    const own = (await as<{ me: { registrations: Row[] } }>(stack, owner, `{ me { ${fields} } }`)).me.registrations;
    const svg = own.find((r) => r.id === confirmed.id)!.checkInQrSvg!;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('viewBox');
    expect(svg).toContain('<path');
    expect(own.find((r) => r.id === held.id)).toMatchObject({ status: 'PENDING_PAYMENT', checkInCode: null, checkInQrSvg: null });
    // The same code draws the same picture every time.
    expect((await as<{ me: { registrations: Row[] } }>(stack, owner, `{ me { ${fields} } }`)).me.registrations.find((r) => r.id === confirmed.id)!.checkInQrSvg).toBe(svg);

    // ADMIN lists the registrations, but sees neither the code nor its picture; nor does the trainer's roster.
    const byAdmin = (await as<{ user: { registrations: Row[] } }>(stack, admin, `query($id: ID!) { user(id: $id) { ${fields} } }`, { id: owner.id })).user.registrations;
    expect(byAdmin.map((r) => [r.checkInCode, r.checkInQrSvg])).toEqual([[null, null], [null, null]]);
    const roster = await as<{ trainingSession: { registrations: { id: string; checkInQrSvg: string | null }[] } }>(
      stack, trainerUser, `query($id: ID!) { trainingSession(id: $id) { registrations { id checkInQrSvg } } }`, { id: freeSession },
    );
    expect(roster.trainingSession.registrations).toEqual([{ id: confirmed.id, checkInQrSvg: null }, { id: someoneElse.id, checkInQrSvg: null }]);
  });
});

describe('after a restart', () => {
  it('releases holds that lapsed while scheduling was down as soon as it starts', async () => {
    const sessionId = await session({ capacity: 1, course: pricedCourse });
    const held = await register(learner, sessionId);
    await stack.subgraphs.scheduling.stop();
    await adminRows(stack.database.adminUrl, "UPDATE scheduling.registrations SET hold_expires_at = now() - interval '1 second' WHERE id = $1", [held.id]);
    expect((await statusOf(held.id)).status).toBe('PENDING_PAYMENT');
    // A new process whose interval never comes round during the test: only its run at start can release the hold.
    const restarted = buildSchedulingSubgraph({ databaseUrl: stack.database.urlFor('academy_scheduling'), gatewaySecret: 'x'.repeat(32), logLevel: 'silent', holdReleaseIntervalMs: 3_600_000 });
    const running = await restarted.start(0, '127.0.0.1');
    try {
      expect((await statusOf(held.id)).status).toBe('EXPIRED');
      expect(await seatsTaken(sessionId)).toBe(0);
    } finally {
      await running.stop();
      await restarted.database.close();
    }
  });
});
