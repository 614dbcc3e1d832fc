// Refunds through the gateway: the customer asks within the refund window and never for more
// than is left (also under 100 concurrent requests, ten runs), the fee and net arithmetic, ADMIN
// approves (the provider pays the net back, OrderRefunded frees the seat in scheduling) or
// rejects, a provider's refusal, automatic refunds of seats paid after they were gone, and the
// revenue figures net of refunds. Paid orders are inserted as rows (with a payment the local
// provider made), as the payment flow leaves them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createDatabase, type Database } from '@academy/service-kit';
import { publishOrderPaid, type OrderEventItem } from '@academy/subgraph-commerce';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const REFUND_FIELDS = `id status amount { amountMinor currency } fee { amountMinor } net { amountMinor } reason requestedAt processedAt failureReason order { id status }`;
const REQUEST = `mutation($orderId: ID!, $amountMinor: Int, $reason: String!) { requestRefund(orderId: $orderId, amountMinor: $amountMinor, reason: $reason) { ${REFUND_FIELDS} } }`;
const DECIDE = `mutation($refundId: ID!, $approve: Boolean!) { decideRefund(refundId: $refundId, approve: $approve) { ${REFUND_FIELDS} } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status refunds { id status amount { amountMinor } } } }`;
const STATS = `query($range: TimeRange!, $granularity: Granularity!, $currency: String!) {
  revenueStats(range: $range, granularity: $granularity, currency: $currency) { metric total points { bucket value } }
}`;
const BY_COURSE = `query($range: TimeRange!, $currency: String!, $first: Int) {
  revenueByCourse(range: $range, currency: $currency, first: $first) { course { id } orders revenue { amountMinor currency } }
}`;
const SET_PRICE = `mutation($courseId: ID!, $amountMinor: Int!, $currency: String!) { setCoursePrice(courseId: $courseId, amountMinor: $amountMinor, currency: $currency) { id } }`;
const REGISTER = `mutation($sessionId: ID!) { registerForSession(sessionId: $sessionId) { id status } }`;

const DAY_MS = 86_400_000;

let stack: TestStack;
let commerce: Database<any>;
let admin: SignedUpUser;
let analyst: SignedUpUser;
let learner: SignedUpUser;
let other: SignedUpUser;
const trainerId = uuid();
const pricedCourse = uuid();

type Body = { data?: Record<string, any>; errors?: { message: string; extensions?: Record<string, unknown> }[] };
const send = async (user: SignedUpUser | null, query: string, variables: Record<string, unknown>): Promise<Body> =>
  (await stack.query<Record<string, any>>(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {})).body;
const codeOf = (body: Body) => body.errors?.[0]?.extensions?.code;
const fieldOf = (body: Body) => body.errors?.[0]?.extensions?.field;

async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await delay(50);
  }
}

const REFERENCE_LETTERS = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const newReference = () => `BK-${Array.from({ length: 6 }, () => REFERENCE_LETTERS[randomInt(REFERENCE_LETTERS.length)]).join('')}`;

interface PaidOrder {
  id: string;
  reference: string;
  items: OrderEventItem[];
  providerReference: string | null;
}

/**
 * A PAID order of `user`, inserted as commerce's rows: one item per line (a course's access, or
 * a held registration's seat), and a SUCCEEDED payment the local provider made (tok_ok), unless
 * `payment` says the provider does not know it.
 */
async function paidOrder(options: {
  user: SignedUpUser;
  lines: ({ courseId: string; amountMinor: number } | { registrationId: string; sessionId: string; courseId: string; amountMinor: number })[];
  currency?: string;
  paidAt?: Date;
  payment?: 'local' | 'unknown';
}): Promise<PaidOrder> {
  const id = uuid();
  const reference = newReference();
  const currency = options.currency ?? 'GBP';
  const paidAt = options.paidAt ?? new Date();
  const total = options.lines.reduce((sum, line) => sum + line.amountMinor, 0);
  const items = options.lines.map((line, index) => ({
    id: uuid(),
    order_id: id,
    position: index + 1,
    kind: 'registrationId' in line ? 'SESSION_SEAT' : 'COURSE_ACCESS',
    description: 'registrationId' in line ? 'A seat' : 'Course access',
    quantity: 1,
    unit_price_minor: line.amountMinor,
    total_minor: line.amountMinor,
    currency,
    course_id: line.courseId,
    session_id: 'registrationId' in line ? line.sessionId : null,
    registration_id: 'registrationId' in line ? line.registrationId : null,
  }));
  let providerReference: string | null = `pay_local_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  if ((options.payment ?? 'local') === 'local') {
    const paymentId = uuid();
    const made = await stack.paymentProvider.createPayment({
      paymentId,
      amountMinor: total,
      currency,
      paymentToken: 'tok_ok',
      description: `Order ${reference}`,
      metadata: { orderId: id, reference },
    });
    expect(made.status).toBe('SUCCEEDED');
    providerReference = made.providerReference;
  }
  await withAdmin(stack.database.adminUrl, async (db) => {
    await insertRows(db, 'commerce.orders', [
      { id, reference, user_id: options.user.id, status: 'PAID', currency, subtotal_minor: total, discount_minor: 0, total_minor: total, paid_at: paidAt, created_at: new Date(paidAt.getTime() - 60_000) },
    ]);
    await insertRows(db, 'commerce.order_items', items);
    await insertRows(db, 'commerce.payments', [
      { order_id: id, status: 'SUCCEEDED', amount_minor: total, currency, provider: 'local', provider_reference: providerReference, succeeded_at: paidAt },
    ]);
  });
  const eventItems = items.map(
    (item): OrderEventItem => ({
      orderItemId: item.id,
      kind: item.kind === 'SESSION_SEAT' ? 'SESSION_SEAT' : 'COURSE_ACCESS',
      quantity: 1,
      courseId: item.course_id,
      sessionId: item.session_id,
      registrationId: item.registration_id,
      ticketTypeId: null,
    }),
  );
  return { id, reference, items: eventItems, providerReference };
}

/** Publishes OrderPaid on commerce's own role, as the payment flow does when the order is paid. */
const announcePaid = (order: PaidOrder, user: SignedUpUser) =>
  commerce.db.transaction().execute((trx) => publishOrderPaid(trx, { orderId: order.id, reference: order.reference, userId: user.id, paidAt: new Date().toISOString(), items: order.items }));

const request = (user: SignedUpUser, orderId: string, amountMinor: number | null, reason = 'Plans changed') =>
  send(user, REQUEST, { orderId, amountMinor, reason });

async function requested(user: SignedUpUser, orderId: string, amountMinor: number | null): Promise<Record<string, any>> {
  const body = await request(user, orderId, amountMinor);
  expect(body.errors).toBeUndefined();
  return body.data!.requestRefund;
}

async function decided(refundId: string, approve: boolean): Promise<Record<string, any>> {
  const body = await send(admin, DECIDE, { refundId, approve });
  expect(body.errors).toBeUndefined();
  return body.data!.decideRefund;
}

const outboxOf = (aggregateId: string) =>
  adminRows<{ type: string; payload: Record<string, any> }>(stack.database.adminUrl, 'SELECT type, payload FROM commerce.outbox WHERE aggregate_id = $1 ORDER BY tx_id, id', [aggregateId]);

const registrationStatus = async (id: string) =>
  (await adminRows<{ status: string }>(stack.database.adminUrl, 'SELECT status FROM scheduling.registrations WHERE id = $1', [id]))[0]?.status;

let sessionsMade = 0;
/** A session of the priced course starting in a week, inserted as scheduling's rows. */
async function session(capacity: number): Promise<string> {
  const id = uuid();
  const startsAt = new Date(Date.now() + (24 * 7 + sessionsMade++) * 3_600_000);
  await withAdmin(stack.database.adminUrl, (db) =>
    insertRows(db, 'scheduling.training_sessions', [
      { id, course_id: pricedCourse, trainer_id: trainerId, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 3_600_000), status: 'SCHEDULED', capacity },
    ]),
  );
  return id;
}

beforeAll(async () => {
  // Each figure here counts one or a few users: a minimum group of 1 shows every bucket as counted
  // (withholding is tested in figures.test.ts).
  // 2.5 % + 30 minor units, rounded half up: the arithmetic the tests below check.
  stack = await startStack({ minGroupSize: 1, refunds: { REFUND_FEE_PERCENT: '2.5', REFUND_FEE_FIXED_MINOR: '30', REFUND_WINDOW_DAYS: '14' }, scheduling: { holdReleaseIntervalMs: 200 } });
  commerce = createDatabase<any>({ connectionString: stack.database.urlFor('academy_commerce') });
  admin = await signUpWithRoles(stack, 'Admin', ['ADMIN']);
  analyst = await signUpWithRoles(stack, 'Analyst', ['ANALYST']);
  learner = await signUpWithRoles(stack, 'Learner', ['LEARNER']);
  other = await signUpWithRoles(stack, 'Other', ['LEARNER']);
  const trainerUser = await signUpWithRoles(stack, 'Trainer', ['TRAINER']);
  await withAdmin(stack.database.adminUrl, (db) => insertRows(db, 'scheduling.trainers', [{ id: trainerId, user_id: trainerUser.id }]));
  await as(stack, admin, SET_PRICE, { courseId: pricedCourse, amountMinor: 7500, currency: 'GBP' });
  // Scheduling holds seats of priced courses for payment: wait for its copy of the price.
  await eventually(
    () => adminRows(stack.database.adminUrl, 'SELECT 1 FROM scheduling.course_prices WHERE course_id = $1 AND amount_minor IS NOT NULL', [pricedCourse]),
    (rows) => rows.length === 1,
    "scheduling's copy of the price",
  );
}, 90_000);

afterAll(async () => {
  await commerce?.close();
  await stack?.stop();
});

describe('asking for a refund', () => {
  it('fixes the fee and net at request: min(amount, round half up(amount × 2.5 %) + 30); the default amount is what is left', async () => {
    const order = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 10_000 }] });
    const first = await requested(learner, order.id, 4020);
    // 4020 × 2.5 % = 100.5 → 101, + 30.
    expect(first).toMatchObject({ status: 'REQUESTED', amount: { amountMinor: 4020, currency: 'GBP' }, fee: { amountMinor: 131 }, net: { amountMinor: 3889 }, reason: 'Plans changed', processedAt: null });
    const rest = await requested(learner, order.id, null);
    // 5980 × 2.5 % = 149.5 → 150, + 30.
    expect(rest).toMatchObject({ amount: { amountMinor: 5980 }, fee: { amountMinor: 180 }, net: { amountMinor: 5800 } });
    const read = await send(learner, ORDER, { id: order.id });
    expect(read.data!.order.refunds.map((r: { id: string }) => r.id)).toEqual([first.id, rest.id]);

    const small = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 20 }] });
    // The fee never exceeds the amount: nothing goes back.
    expect(await requested(learner, small.id, null)).toMatchObject({ amount: { amountMinor: 20 }, fee: { amountMinor: 20 }, net: { amountMinor: 0 } });
  });

  it('refuses more than is left (BAD_USER_INPUT on amountMinor), and anything once nothing is (CONFLICT)', async () => {
    const order = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 10_000 }] });
    await requested(learner, order.id, 6000);
    const over = await request(learner, order.id, 4001);
    expect([codeOf(over), fieldOf(over)]).toEqual(['BAD_USER_INPUT', 'amountMinor']);
    await requested(learner, order.id, 4000);
    expect(codeOf(await request(learner, order.id, 1))).toBe('CONFLICT');
    expect(codeOf(await request(learner, order.id, null))).toBe('CONFLICT');
    const zero = await request(learner, order.id, 0);
    expect([codeOf(zero), fieldOf(zero)]).toEqual(['BAD_USER_INPUT', 'amountMinor']);
    const noReason = await send(learner, REQUEST, { orderId: order.id, amountMinor: 1, reason: '  ' });
    expect([codeOf(noReason), fieldOf(noReason)]).toEqual(['BAD_USER_INPUT', 'reason']);
  });

  it('is open to the customer within the window after payment only, for paid orders only', async () => {
    const inside = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 5000 }], paidAt: new Date(Date.now() - 13 * DAY_MS) });
    expect((await requested(learner, inside.id, 100)).status).toBe('REQUESTED');
    const outside = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 5000 }], paidAt: new Date(Date.now() - 15 * DAY_MS) });
    const late = await request(learner, outside.id, 100);
    expect(codeOf(late)).toBe('CONFLICT');
    expect(late.errors![0]!.message).toContain('refund window');

    const pending = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 5000 }] });
    await adminRows(stack.database.adminUrl, "UPDATE commerce.orders SET status = 'PENDING', paid_at = NULL WHERE id = $1", [pending.id]);
    expect(codeOf(await request(learner, pending.id, 100))).toBe('CONFLICT');

    expect(codeOf(await request(other, inside.id, 100))).toBe('NOT_FOUND');
    expect(codeOf(await request(admin, inside.id, 100))).toBe('FORBIDDEN');
    expect(codeOf(await send(null, REQUEST, { orderId: inside.id, amountMinor: 100, reason: 'x' }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await request(learner, uuid(), 100))).toBe('NOT_FOUND');
  });

  it('never lets 100 concurrent requests reserve more than the order paid (ten runs)', async () => {
    for (let run = 0; run < 10; run += 1) {
      const order = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 1000 }] });
      const amounts = Array.from({ length: 100 }, (_, i) => 20 + ((i * 37 + run * 11) % 90));
      const answers = await Promise.all(amounts.map((amount) => request(learner, order.id, amount)));
      const granted = answers.flatMap((body, i) => (body.errors ? [] : [amounts[i]!]));
      const refused = answers.flatMap((body, i) => (body.errors ? [{ amount: amounts[i]!, code: codeOf(body) }] : []));
      for (const { code } of refused) expect(['BAD_USER_INPUT', 'CONFLICT']).toContain(code);
      const [row] = await adminRows<{ reserved: number; count: number }>(
        stack.database.adminUrl,
        'SELECT coalesce(sum(amount_minor), 0)::int AS reserved, count(*)::int AS count FROM commerce.refunds WHERE order_id = $1',
        [order.id],
      );
      const total = granted.reduce((sum, amount) => sum + amount, 0);
      expect(row).toEqual({ reserved: total, count: granted.length });
      expect(total).toBeLessThanOrEqual(1000);
      // A request was refused only when it did not fit: what is left now fits none of them.
      for (const { amount } of refused) expect(1000 - total).toBeLessThan(amount);
    }
  }, 180_000);
});

describe('deciding a refund', () => {
  it('approves: the provider pays the net back, the order is REFUNDED, OrderRefunded frees the seat in scheduling', async () => {
    const sessionId = await session(3);
    const registration = (await as<{ registerForSession: { id: string; status: string } }>(stack, learner, REGISTER, { sessionId })).registerForSession;
    expect(registration.status).toBe('PENDING_PAYMENT');
    const order = await paidOrder({ user: learner, lines: [{ registrationId: registration.id, sessionId, courseId: pricedCourse, amountMinor: 7500 }] });
    await announcePaid(order, learner);
    await eventually(() => registrationStatus(registration.id), (s) => s === 'CONFIRMED', 'the seat to be confirmed');

    const refund = await requested(learner, order.id, null);
    expect(refund).toMatchObject({ amount: { amountMinor: 7500 }, fee: { amountMinor: 218 }, net: { amountMinor: 7282 } });
    expect(codeOf(await send(learner, DECIDE, { refundId: refund.id, approve: true }))).toBe('FORBIDDEN');
    const approved = await decided(refund.id, true);
    expect(approved).toMatchObject({ id: refund.id, status: 'COMPLETED', failureReason: null, order: { id: order.id, status: 'REFUNDED' } });
    expect(approved.processedAt).not.toBeNull();

    // The provider paid the net back once: the same idempotency key answers the refund it made.
    const [row] = await adminRows<{ provider_refund_reference: string; decided_by: string }>(
      stack.database.adminUrl,
      'SELECT provider_refund_reference, decided_by FROM commerce.refunds WHERE id = $1',
      [refund.id],
    );
    expect(row!.decided_by).toBe(admin.id);
    const again = await stack.paymentProvider.refund({ providerReference: order.providerReference!, amountMinor: 7282, idempotencyKey: refund.id });
    expect(again.providerRefundReference).toBe(row!.provider_refund_reference);
    // What is left of the payment at the provider is the fee kept.
    await expect(stack.paymentProvider.refund({ providerReference: order.providerReference!, amountMinor: 219, idempotencyKey: uuid() })).rejects.toThrow('larger than what is left');

    const [orderRow] = await adminRows<{ status: string; refunded_minor: number; payment: string }>(
      stack.database.adminUrl,
      'SELECT o.status, o.refunded_minor, p.status AS payment FROM commerce.orders o JOIN commerce.payments p ON p.order_id = o.id WHERE o.id = $1',
      [order.id],
    );
    expect(orderRow).toEqual({ status: 'REFUNDED', refunded_minor: 7500, payment: 'REFUNDED' });
    const events = await outboxOf(order.id);
    expect(events.map((e) => e.type)).toEqual(['OrderPaid', 'OrderRefunded']);
    expect(events[1]!.payload).toMatchObject({ orderId: order.id, reference: order.reference, userId: learner.id, refundId: refund.id, full: true, items: order.items });
    expect(await outboxOf(refund.id)).toEqual([
      {
        type: 'RefundDecided',
        payload: expect.objectContaining({
          refundId: refund.id,
          orderId: order.id,
          userId: learner.id,
          approved: true,
          amount: { amountMinor: 7500, currency: 'GBP' },
          fee: { amountMinor: 218, currency: 'GBP' },
          net: { amountMinor: 7282, currency: 'GBP' },
        }),
      },
    ]);
    await eventually(() => registrationStatus(registration.id), (s) => s === 'CANCELLED', 'scheduling to cancel the refunded seat');
    const [seats] = await adminRows<{ seats_taken: number }>(stack.database.adminUrl, 'SELECT seats_taken FROM scheduling.training_sessions WHERE id = $1', [sessionId]);
    expect(seats!.seats_taken).toBe(0);

    // The same decision again answers the same refund; the other one is a conflict.
    expect(await decided(refund.id, true)).toMatchObject({ id: refund.id, status: 'COMPLETED' });
    expect(codeOf(await send(admin, DECIDE, { refundId: refund.id, approve: false }))).toBe('CONFLICT');
    expect((await outboxOf(order.id)).length).toBe(2);
    expect(codeOf(await send(admin, DECIDE, { refundId: uuid(), approve: true }))).toBe('NOT_FOUND');
  });

  it('approves part: the order is PARTIALLY_REFUNDED and OrderRefunded ends no item until the rest is refunded too', async () => {
    const order = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 6000 }, { courseId: uuid(), amountMinor: 4000 }] });
    const part = await decided((await requested(learner, order.id, 2500)).id, true);
    expect(part).toMatchObject({ status: 'COMPLETED', order: { status: 'PARTIALLY_REFUNDED' } });
    const rest = await decided((await requested(learner, order.id, null)).id, true);
    expect(rest).toMatchObject({ status: 'COMPLETED', amount: { amountMinor: 7500 }, order: { status: 'REFUNDED' } });
    const refunded = (await outboxOf(order.id)).filter((e) => e.type === 'OrderRefunded').map((e) => e.payload);
    expect(refunded).toEqual([
      expect.objectContaining({ refundId: part.id, full: false, items: [] }),
      expect.objectContaining({ refundId: rest.id, full: true, items: order.items }),
    ]);
    const [row] = await adminRows<{ refunded_minor: number }>(stack.database.adminUrl, 'SELECT refunded_minor FROM commerce.orders WHERE id = $1', [order.id]);
    expect(row!.refunded_minor).toBe(10_000);
  });

  it('rejects: the amount is free again, RefundDecided says so, and approving it afterwards is a conflict', async () => {
    const order = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 3000 }] });
    const refund = await requested(learner, order.id, null);
    const rejected = await decided(refund.id, false);
    expect(rejected).toMatchObject({ status: 'REJECTED', order: { status: 'PAID' } });
    expect(rejected.processedAt).not.toBeNull();
    expect(await decided(refund.id, false)).toMatchObject({ status: 'REJECTED' });
    expect(codeOf(await send(admin, DECIDE, { refundId: refund.id, approve: true }))).toBe('CONFLICT');
    expect((await outboxOf(refund.id)).map((e) => [e.type, e.payload.approved])).toEqual([['RefundDecided', false]]);
    expect((await outboxOf(order.id)).length).toBe(0);
    expect((await requested(learner, order.id, null)).amount.amountMinor).toBe(3000);
  });

  it('records a refusal by the provider as FAILED with its reason, and leaves the order as it was', async () => {
    const order = await paidOrder({ user: learner, lines: [{ courseId: uuid(), amountMinor: 3000 }], payment: 'unknown' });
    const failed = await decided((await requested(learner, order.id, 1000)).id, true);
    expect(failed).toMatchObject({ status: 'FAILED', order: { status: 'PAID' } });
    expect(failed.failureReason).toContain('invalid_request');
    expect((await outboxOf(order.id)).length).toBe(0);
    // A failed refund reserves nothing.
    expect((await requested(learner, order.id, null)).amount.amountMinor).toBe(3000);
  });
});

describe('a seat paid after it was gone', () => {
  it('is refunded in full automatically, without a fee, once', async () => {
    const sessionId = await session(1);
    const late = (await as<{ registerForSession: { id: string } }>(stack, learner, REGISTER, { sessionId })).registerForSession;
    await adminRows(stack.database.adminUrl, "UPDATE scheduling.registrations SET hold_expires_at = now() - interval '1 second' WHERE id = $1", [late.id]);
    await eventually(() => registrationStatus(late.id), (s) => s === 'EXPIRED', 'the hold to lapse');
    await as(stack, other, REGISTER, { sessionId });
    const order = await paidOrder({ user: learner, lines: [{ registrationId: late.id, sessionId, courseId: pricedCourse, amountMinor: 7500 }, { courseId: uuid(), amountMinor: 2500 }] });
    await announcePaid(order, learner);

    const refunds = await eventually(
      () => adminRows<Record<string, any>>(stack.database.adminUrl, 'SELECT * FROM commerce.refunds WHERE order_id = $1', [order.id]),
      (rows) => rows[0]?.status === 'COMPLETED',
      'the automatic refund to be paid back',
    );
    expect(refunds).toEqual([
      expect.objectContaining({ automatic: true, order_item_id: order.items[0]!.orderItemId, amount_minor: 7500, fee_minor: 0, net_minor: 7500, requested_by: null, status: 'COMPLETED' }),
    ]);
    const events = await outboxOf(order.id);
    expect(events.map((e) => e.type)).toEqual(['OrderPaid', 'OrderRefunded']);
    expect(events[1]!.payload).toMatchObject({ full: false, items: [order.items[0]] });
    expect((await outboxOf(refunds[0]!.id)).map((e) => [e.type, e.payload.approved])).toEqual([['RefundDecided', true]]);
    const read = await send(learner, ORDER, { id: order.id });
    expect(read.data!.order).toMatchObject({ status: 'PARTIALLY_REFUNDED', refunds: [{ id: refunds[0]!.id, status: 'COMPLETED', amount: { amountMinor: 7500 } }] });

    // The same news again (a second event, as a redelivery with a new id would be) refunds nothing more.
    await withAdmin(stack.database.adminUrl, (db) =>
      db.query("INSERT INTO scheduling.outbox (event_id, type, aggregate_id, payload) SELECT gen_random_uuid(), type, aggregate_id, payload FROM scheduling.outbox WHERE type = 'RegistrationPaidWithoutSeat' AND aggregate_id = $1", [late.id]),
    );
    await eventually(
      () => adminRows(stack.database.adminUrl, "SELECT 1 FROM commerce.processed_events WHERE consumer = 'commerce.scheduling' AND event_id IN (SELECT event_id FROM scheduling.outbox WHERE aggregate_id = $1 AND type = 'RegistrationPaidWithoutSeat')", [late.id]),
      (rows) => rows.length === 2,
      'commerce to take the second event',
    );
    expect((await adminRows(stack.database.adminUrl, 'SELECT id FROM commerce.refunds WHERE order_id = $1', [order.id])).length).toBe(1);
  });
});

describe('revenue figures', () => {
  const dayStart = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const range = { from: new Date(dayStart.getTime() - DAY_MS).toISOString(), to: new Date(dayStart.getTime() + 2 * DAY_MS).toISOString() };
  const stats = async (currency: string) => (await as<{ revenueStats: { metric: string; total: number; points: { bucket: string; value: number }[] } }>(stack, analyst, STATS, { range, granularity: 'DAY', currency })).revenueStats;

  it('change by exactly what was paid, then by exactly what the refund paid back (its net; the fee stays revenue)', async () => {
    const course = uuid();
    const before = await stats('CHF');
    expect(before.points.map((p) => p.bucket)).toEqual([0, 1, 2].map((i) => new Date(dayStart.getTime() + (i - 1) * DAY_MS).toISOString()));
    const order = await paidOrder({ user: learner, lines: [{ courseId: course, amountMinor: 10_000 }], currency: 'CHF' });
    const paid = await stats('CHF');
    expect(paid.total - before.total).toBe(10_000);
    expect(paid.points[1]!.value - before.points[1]!.value).toBe(10_000);

    const refund = await decided((await requested(learner, order.id, 4000)).id, true);
    // 4000 × 2.5 % = 100, + 30: 3870 goes back.
    expect(refund).toMatchObject({ status: 'COMPLETED', net: { amountMinor: 3870 } });
    const after = await stats('CHF');
    expect(after).toMatchObject({ metric: 'revenue:CHF' });
    expect(after.total - before.total).toBe(10_000 - 3870);
    expect(after.points[1]!.value - before.points[1]!.value).toBe(10_000 - 3870);
    expect([after.points[0]!.value, after.points[2]!.value]).toEqual([before.points[0]!.value, before.points[2]!.value]);

    const byCourse = (await as<{ revenueByCourse: { course: { id: string }; orders: number; revenue: { amountMinor: number; currency: string } }[] }>(stack, admin, BY_COURSE, { range, currency: 'CHF', first: 100 })).revenueByCourse;
    expect(byCourse.find((line) => line.course.id === course)).toEqual({ course: { id: course }, orders: 1, revenue: { amountMinor: 6130, currency: 'CHF' } });
  });

  it('share a discounted order between its courses, seats counting for their course', async () => {
    const [access, seats] = [uuid(), uuid()];
    const order = await paidOrder({ user: learner, lines: [{ courseId: access, amountMinor: 3000 }, { registrationId: uuid(), sessionId: uuid(), courseId: seats, amountMinor: 1000 }], currency: 'SEK' });
    // A quarter off the whole order.
    await adminRows(stack.database.adminUrl, 'UPDATE commerce.orders SET discount_minor = 1000, total_minor = 3000 WHERE id = $1', [order.id]);
    const lines = (await as<{ revenueByCourse: { course: { id: string }; orders: number; revenue: { amountMinor: number } }[] }>(stack, analyst, BY_COURSE, { range, currency: 'SEK' })).revenueByCourse;
    expect(lines.map((l) => [l.course.id, l.orders, l.revenue.amountMinor])).toEqual([
      [access, 1, 2250],
      [seats, 1, 750],
    ]);
    expect((await stats('SEK')).total).toBe(3000);
  });

  it('are for ANALYST and ADMIN only, and check their range, currency and size', async () => {
    expect(codeOf(await send(learner, STATS, { range, granularity: 'DAY', currency: 'GBP' }))).toBe('FORBIDDEN');
    expect(codeOf(await send(learner, BY_COURSE, { range, currency: 'GBP' }))).toBe('FORBIDDEN');
    expect(codeOf(await send(null, STATS, { range, granularity: 'DAY', currency: 'GBP' }))).toBe('UNAUTHENTICATED');
    const badCurrency = await send(admin, STATS, { range, granularity: 'DAY', currency: 'XYZ' });
    expect([codeOf(badCurrency), fieldOf(badCurrency)]).toEqual(['BAD_USER_INPUT', 'currency']);
    const backwards = await send(analyst, BY_COURSE, { range: { from: range.to, to: range.from }, currency: 'GBP' });
    expect([codeOf(backwards), fieldOf(backwards)]).toEqual(['BAD_USER_INPUT', 'range']);
    const tooLong = await send(analyst, STATS, { range: { from: '2000-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' }, granularity: 'DAY', currency: 'GBP' });
    expect([codeOf(tooLong), fieldOf(tooLong)]).toEqual(['BAD_USER_INPUT', 'range']);
    const tooMany = await send(analyst, BY_COURSE, { range, currency: 'GBP', first: 101 });
    expect([codeOf(tooMany), fieldOf(tooMany)]).toEqual(['BAD_USER_INPUT', 'first']);
  });
});
