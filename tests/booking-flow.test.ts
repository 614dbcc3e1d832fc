// The booking flow end to end through the gateway: a priced course and session, a held seat,
// a quote, checkout, payOrder with the local provider's tokens (tok_ok, tok_declined, tok_3ds
// with its second step through the gateway and the provider's webhook), the invoice, the seat
// confirmed by OrderPaid and released when an unpaid hold lapses, course access granted by a
// paid order, forged, stale and replayed webhooks changing nothing, and 100 concurrent payOrder
// calls for one order charging it once (ten times over).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LOCAL_PAYMENT_ACTIONS_PATH, LOCAL_SIGNATURE_HEADER, PAYMENT_WEBHOOK_PATH, signWebhookPayload } from '@academy/subgraph-commerce';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { mintTestAccessToken } from '@academy/service-kit/testing';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const WEBHOOK_SECRET = `whsec_local_${randomUUID()}`;
const REGISTER = `mutation($sessionId: ID!) { registerForSession(sessionId: $sessionId) { id status holdExpiresAt } }`;
const SET_PRICE = `mutation($courseId: ID!, $amountMinor: Int!, $currency: String!) { setCoursePrice(courseId: $courseId, amountMinor: $amountMinor, currency: $currency) { id } }`;
const QUOTE = `query($items: [CheckoutItemInput!]!) { quote(items: $items) { total { amountMinor currency } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { id reference status total { amountMinor currency } } }`;
const ORDER_FIELDS = `id reference status paidAt total { amountMinor currency }
  payments { id status amount { amountMinor currency } provider providerReference failureReason nextActionUrl }
  invoice { number issuedAt customer { id } lines { description quantity unitPrice { amountMinor } total { amountMinor } } subtotal { amountMinor } discount { amountMinor } total { amountMinor currency } }`;
const PAY = `mutation($orderId: ID!, $token: String!) { payOrder(orderId: $orderId, paymentToken: $token) { ${ORDER_FIELDS} } }`;
const ORDER = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { id status } }`;
const SEATS = `query($id: ID!) { trainingSession(id: $id) { seatsAvailable } }`;
const MY_REGISTRATIONS = `{ me { registrations { id status } } }`;
const VIEWER_ENROLLMENT = `query($id: ID!) { course(id: $id) { viewerEnrollment { id status } } }`;
const ENROLL = `mutation($courseId: ID!) { enroll(courseId: $courseId) { id status } }`;

interface PaymentView {
  id: string;
  status: string;
  amount: { amountMinor: number; currency: string };
  provider: string;
  providerReference: string | null;
  failureReason: string | null;
  nextActionUrl: string | null;
}
interface OrderView {
  id: string;
  reference: string;
  status: string;
  paidAt: string | null;
  total: { amountMinor: number; currency: string };
  payments: PaymentView[];
  invoice: { number: string; customer: { id: string }; lines: { description: string; quantity: number; unitPrice: { amountMinor: number } }[]; total: { amountMinor: number; currency: string } } | null;
}

let stack: TestStack;
let admin: SignedUpUser;
const trainerId = uuid();
/** Priced in learning's catalogue too, so a paid order grants access to it. */
const pricedCourse = uuid();

const send = (user: SignedUpUser | null, query: string, variables: Record<string, unknown>) =>
  stack.query<Record<string, any>>(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {});
const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;

async function tokenFor(userId: string): Promise<SignedUpUser> {
  const accessToken = await mintTestAccessToken({ userId, roles: ['LEARNER'], privateKey: createPrivateKey(stack.signingKey.pem), keyId: stack.signingKey.kid });
  return { id: userId, email: `${userId}@example.test`, displayName: 'Tester', accessToken };
}

/** Polls until `check` holds (events are asynchronous; a long transaction elsewhere can delay them). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await delay(50);
  }
}

let sessionsMade = 0;
/** A session of the priced course starting in a week, inserted as scheduling's rows. */
async function session(capacity = 10): Promise<string> {
  const id = uuid();
  const startsAt = new Date(Date.now() + (24 * 7 + sessionsMade++) * 3_600_000);
  await withAdmin(stack.database.adminUrl, (db) =>
    insertRows(db, 'scheduling.training_sessions', [
      { id, course_id: pricedCourse, trainer_id: trainerId, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 3_600_000), status: 'SCHEDULED', capacity },
    ]),
  );
  return id;
}

const seatsOf = async (user: SignedUpUser, sessionId: string) => (await as<{ trainingSession: { seatsAvailable: number } }>(stack, user, SEATS, { id: sessionId })).trainingSession.seatsAvailable;
const registrationStatus = async (user: SignedUpUser, id: string) =>
  (await as<{ me: { registrations: { id: string; status: string }[] } }>(stack, user, MY_REGISTRATIONS)).me.registrations.find((r) => r.id === id)?.status;
const orderOf = async (user: SignedUpUser, id: string) => (await as<{ order: OrderView }>(stack, user, ORDER, { id })).order;
const pay = async (user: SignedUpUser, orderId: string, token: string) => (await as<{ payOrder: OrderView }>(stack, user, PAY, { orderId, token })).payOrder;

async function checkout(user: SignedUpUser, items: Record<string, unknown>[]): Promise<{ id: string; reference: string; status: string }> {
  return (await as<{ checkout: { id: string; reference: string; status: string } }>(stack, user, CHECKOUT, { input: { items, idempotencyKey: `key-${randomUUID()}` } })).checkout;
}

/**
 * Waits for commerce's copy of a seat hold (RegistrationHeld). Checkout itself waits up to 5 s for it;
 * a long transaction elsewhere in the cluster can delay events for longer.
 */
const holdCopied = (registrationId: string) =>
  eventually(() => adminRows(stack.database.adminUrl, 'SELECT 1 FROM commerce.seat_holds WHERE registration_id = $1', [registrationId]), (rows) => rows.length === 1, "commerce's copy of the hold");

/** A registration held for `user` at a new session of the priced course, and its PENDING order. */
async function heldSeatOrder(user: SignedUpUser) {
  const sessionId = await session();
  const registration = (await as<{ registerForSession: { id: string; status: string } }>(stack, user, REGISTER, { sessionId })).registerForSession;
  await holdCopied(registration.id);
  const order = await checkout(user, [{ registrationId: registration.id }]);
  return { sessionId, registration, order };
}

const outboxOf = (orderId: string) =>
  adminRows<{ type: string; payload: Record<string, any> }>(stack.database.adminUrl, 'SELECT type, payload FROM commerce.outbox WHERE aggregate_id = $1 ORDER BY id', [orderId]);
const paymentRows = (orderId: string) =>
  adminRows<{ status: string; token_fingerprint: string | null }>(stack.database.adminUrl, 'SELECT status, token_fingerprint FROM commerce.payments WHERE order_id = $1', [orderId]);

/** A local provider's event as the provider would deliver it, signed with `secret` at `timestamp`. */
function signedEvent(event: Record<string, unknown>, secret = WEBHOOK_SECRET, timestamp?: number) {
  const rawBody = Buffer.from(JSON.stringify({ occurredAt: new Date().toISOString(), ...event }));
  return { rawBody, headers: { 'content-type': 'application/json', [LOCAL_SIGNATURE_HEADER]: signWebhookPayload(secret, rawBody, timestamp) } };
}
const deliver = (delivery: { rawBody: Buffer; headers: Record<string, string> }) =>
  fetch(new URL(PAYMENT_WEBHOOK_PATH, stack.gateway.url), { method: 'POST', headers: delivery.headers, body: delivery.rawBody });
/** Completes the local provider's second step through the gateway, as the customer's browser would. */
const completeAction = (reference: string, outcome: 'approve' | 'decline') =>
  fetch(new URL(LOCAL_PAYMENT_ACTIONS_PATH, stack.gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `reference=${reference}&outcome=${outcome}`,
  });

beforeAll(async () => {
  stack = await startStack({ payments: { PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET }, scheduling: { holdReleaseIntervalMs: 200 } });
  admin = await signUpWithRoles(stack, 'Admin', ['ADMIN']);
  const trainerUser = await signUpWithRoles(stack, 'Trainer', ['TRAINER']);
  await withAdmin(stack.database.adminUrl, async (db) => {
    await insertRows(db, 'scheduling.trainers', [{ id: trainerId, user_id: trainerUser.id }]);
    await insertRows(db, 'learning.courses', [
      { id: pricedCourse, slug: `efaw-${pricedCourse.slice(0, 8)}`, title: 'Emergency First Aid at Work', level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date() },
    ]);
  });
  await as(stack, admin, SET_PRICE, { courseId: pricedCourse, amountMinor: 7500, currency: 'GBP' });
  // Scheduling and learning decide "priced" from their copies of commerce's prices: wait for both.
  for (const table of ['scheduling.course_prices', 'learning.course_prices']) {
    await eventually(
      () => adminRows(stack.database.adminUrl, `SELECT 1 FROM ${table} WHERE course_id = $1 AND amount_minor = 7500`, [pricedCourse]),
      (rows) => rows.length === 1,
      `${table}: the course's price`,
    );
  }
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describe('booking a priced session', () => {
  it('tok_ok: the order is PAID with its invoice, OrderPaid confirms the seat, the seat counted once', async () => {
    const learner = await signUpWithRoles(stack, 'Learner', ['LEARNER']);
    const sessionId = await session();
    expect(await seatsOf(learner, sessionId)).toBe(10);
    const registration = (await as<{ registerForSession: { id: string; status: string } }>(stack, learner, REGISTER, { sessionId })).registerForSession;
    expect(registration.status).toBe('PENDING_PAYMENT');
    // The seat is taken at registration (held), not at payment.
    expect(await seatsOf(learner, sessionId)).toBe(9);

    // The quote prices commerce's copy of the hold, which arrives by event.
    await holdCopied(registration.id);
    const quoted = await as<{ quote: { total: { amountMinor: number; currency: string } } }>(stack, learner, QUOTE, { items: [{ registrationId: registration.id }] });
    expect(quoted.quote.total).toEqual({ amountMinor: 7500, currency: 'GBP' });
    const order = await checkout(learner, [{ registrationId: registration.id }]);
    expect(order.status).toBe('PENDING');
    expect(await seatsOf(learner, sessionId)).toBe(9);

    const paid = await pay(learner, order.id, 'tok_ok');
    expect(paid).toMatchObject({ status: 'PAID', total: { amountMinor: 7500, currency: 'GBP' } });
    expect(paid.paidAt).not.toBeNull();
    expect(paid.payments).toEqual([
      { id: expect.any(String), status: 'SUCCEEDED', amount: { amountMinor: 7500, currency: 'GBP' }, provider: 'local', providerReference: expect.stringMatching(/^pay_local_/), failureReason: null, nextActionUrl: null },
    ]);
    expect(paid.invoice).toMatchObject({
      number: expect.stringMatching(new RegExp(`^INV-${new Date().getUTCFullYear()}-\\d{6}$`)),
      customer: { id: learner.id },
      lines: [{ description: expect.stringMatching(/^Seat/), quantity: 1, unitPrice: { amountMinor: 7500 } }],
      total: { amountMinor: 7500, currency: 'GBP' },
    });
    const events = await outboxOf(order.id);
    expect(events).toEqual([
      {
        type: 'OrderPaid',
        payload: {
          orderId: order.id,
          reference: order.reference,
          userId: learner.id,
          paidAt: expect.any(String),
          items: [{ orderItemId: expect.any(String), kind: 'SESSION_SEAT', quantity: 1, courseId: pricedCourse, sessionId, registrationId: registration.id, ticketTypeId: null }],
        },
      },
    ]);

    // Scheduling confirms the held seat; the seat it took at registration is the one kept.
    await eventually(() => registrationStatus(learner, registration.id), (s) => s === 'CONFIRMED', 'the registration to be confirmed');
    expect(await seatsOf(learner, sessionId)).toBe(9);

    // The same token again is a retry: the paid order, unchanged; another token is CONFLICT.
    const again = await pay(learner, order.id, 'tok_ok');
    expect(again).toEqual(paid);
    expect(codeOf((await send(learner, PAY, { orderId: order.id, token: 'tok_3ds' })).body)).toBe('CONFLICT');
    expect(await paymentRows(order.id)).toHaveLength(1);
    expect(await outboxOf(order.id)).toHaveLength(1);

    // Only the customer pays and sees the invoice; ADMIN sees it too.
    const stranger = await tokenFor(randomUUID());
    expect(codeOf((await send(stranger, PAY, { orderId: order.id, token: 'tok_ok' })).body)).toBe('NOT_FOUND');
    expect(codeOf((await send(null, PAY, { orderId: order.id, token: 'tok_ok' })).body)).toBe('UNAUTHENTICATED');
    expect((await orderOf(admin, order.id)).invoice?.number).toBe(paid.invoice!.number);
    expect(codeOf((await send(learner, PAY, { orderId: order.id, token: '' })).body)).toBe('BAD_USER_INPUT');
  }, 90_000);

  it('tok_declined: nothing is charged, the order stays PENDING with the seat held until the hold lapses, then it ends EXPIRED', async () => {
    const learner = await signUpWithRoles(stack, 'Decliner', ['LEARNER']);
    const { sessionId, registration, order } = await heldSeatOrder(learner);
    expect(await seatsOf(learner, sessionId)).toBe(9);

    const declined = await pay(learner, order.id, 'tok_declined');
    expect(declined.status).toBe('PENDING');
    expect(declined.paidAt).toBeNull();
    expect(declined.invoice).toBeNull();
    expect(declined.payments).toEqual([expect.objectContaining({ status: 'FAILED', failureReason: 'card_declined', nextActionUrl: null })]);
    expect(await outboxOf(order.id)).toEqual([]);
    expect(await registrationStatus(learner, registration.id)).toBe('PENDING_PAYMENT');
    expect(await seatsOf(learner, sessionId)).toBe(9);

    // The hold lapses: scheduling expires the registration, commerce ends the order EXPIRED.
    await adminRows(stack.database.adminUrl, "UPDATE scheduling.registrations SET hold_expires_at = now() - interval '1 second' WHERE id = $1", [registration.id]);
    await eventually(() => orderOf(learner, order.id), (o) => o.status === 'CANCELLED', 'the order to end with its hold');
    expect((await outboxOf(order.id)).map((e) => [e.type, e.payload.reason])).toEqual([['OrderCancelled', 'EXPIRED']]);
    expect(await registrationStatus(learner, registration.id)).toBe('EXPIRED');
    expect(await seatsOf(learner, sessionId)).toBe(10);
    expect(codeOf((await send(learner, PAY, { orderId: order.id, token: 'tok_ok' })).body)).toBe('CONFLICT');
  }, 90_000);

  it('tok_3ds: the payment waits with a nextActionUrl; approving it through the gateway pays the order once', async () => {
    const learner = await signUpWithRoles(stack, 'Secure', ['LEARNER']);
    const { sessionId, registration, order } = await heldSeatOrder(learner);
    const waiting = await pay(learner, order.id, 'tok_3ds');
    expect(waiting.status).toBe('PENDING');
    const [payment] = waiting.payments;
    expect(payment).toMatchObject({ status: 'REQUIRES_PAYMENT', nextActionUrl: expect.stringContaining(`${LOCAL_PAYMENT_ACTIONS_PATH}?reference=pay_local_`) });
    const reference = payment!.providerReference!;
    expect(new URL(payment!.nextActionUrl!).searchParams.get('reference')).toBe(reference);

    // While it waits: the same token answers the same, another token or cancelling is CONFLICT.
    expect((await pay(learner, order.id, 'tok_3ds')).payments).toEqual(waiting.payments);
    expect(codeOf((await send(learner, PAY, { orderId: order.id, token: 'tok_ok' })).body)).toBe('CONFLICT');
    expect(codeOf((await send(learner, CANCEL, { id: order.id })).body)).toBe('CONFLICT');

    // Forged, stale and unknown-kind deliveries about it are refused and change nothing.
    const forged = await deliver(signedEvent({ id: `evt_${randomUUID()}`, type: 'payment.succeeded', providerReference: reference }, `whsec_local_${randomUUID()}`));
    expect(forged.status).toBe(400);
    const stale = await deliver(signedEvent({ id: `evt_${randomUUID()}`, type: 'payment.succeeded', providerReference: reference }, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 600));
    expect(stale.status).toBe(400);
    expect(await orderOf(learner, order.id)).toMatchObject({ status: 'PENDING', payments: [{ status: 'REQUIRES_PAYMENT' }] });
    expect(await adminRows(stack.database.adminUrl, 'SELECT 1 FROM commerce.payment_webhook_events')).toEqual([]);

    // The customer approves: the provider's signed webhook goes through commerce's handler.
    const approved = await completeAction(reference, 'approve');
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ reference, status: 'SUCCEEDED', webhook: { status: 200 } });
    const paid = await orderOf(learner, order.id);
    expect(paid).toMatchObject({ status: 'PAID', payments: [{ status: 'SUCCEEDED', nextActionUrl: null, providerReference: reference }] });
    expect(paid.invoice).not.toBeNull();

    // The provider delivers the same event again, and the customer retries payOrder: nothing new.
    const [redelivered, retried] = await Promise.all([completeAction(reference, 'approve'), pay(learner, order.id, 'tok_3ds')]);
    expect(await redelivered.json()).toEqual({ reference, status: 'SUCCEEDED', webhook: { status: 200 } });
    expect(retried.status).toBe('PAID');
    expect((await outboxOf(order.id)).map((e) => e.type)).toEqual(['OrderPaid']);
    expect(await adminRows(stack.database.adminUrl, 'SELECT 1 FROM commerce.invoices WHERE order_id = $1', [order.id])).toHaveLength(1);
    await eventually(() => registrationStatus(learner, registration.id), (s) => s === 'CONFIRMED', 'the registration to be confirmed');
    expect(await seatsOf(learner, sessionId)).toBe(9);
  }, 90_000);

  it('a replayed webhook (same event id, freshly signed) is acknowledged as a duplicate and changes nothing', async () => {
    const learner = await signUpWithRoles(stack, 'Replay', ['LEARNER']);
    const { order } = await heldSeatOrder(learner);
    const reference = (await pay(learner, order.id, 'tok_3ds')).payments[0]!.providerReference!;
    const eventId = `evt_${randomUUID()}`;
    const failed = await deliver(signedEvent({ id: eventId, type: 'payment.failed', providerReference: reference, failureReason: 'authentication_declined' }));
    expect([failed.status, await failed.json()]).toEqual([200, { received: true }]);
    expect(await orderOf(learner, order.id)).toMatchObject({ status: 'PENDING', payments: [{ status: 'FAILED', failureReason: 'authentication_declined' }] });

    // The customer tries another token; then the old event is replayed, even saying "succeeded".
    const retried = await pay(learner, order.id, 'tok_3ds');
    expect(retried.payments.map((p) => p.status)).toEqual(['FAILED', 'REQUIRES_PAYMENT']);
    const replayed = await deliver(signedEvent({ id: eventId, type: 'payment.succeeded', providerReference: reference }));
    expect([replayed.status, await replayed.json()]).toEqual([200, { received: true, duplicate: true }]);
    expect(await orderOf(learner, order.id)).toMatchObject({ status: 'PENDING', payments: [{ status: 'FAILED' }, { status: 'REQUIRES_PAYMENT' }] });
    expect(await outboxOf(order.id)).toEqual([]);
  }, 60_000);
});

describe('buying course access', () => {
  it('a paid COURSE_ACCESS order enrolls the customer in learning', async () => {
    const learner = await signUpWithRoles(stack, 'Student', ['LEARNER']);
    expect(codeOf((await send(learner, ENROLL, { courseId: pricedCourse })).body)).toBe('PAYMENT_REQUIRED');
    const order = await checkout(learner, [{ courseId: pricedCourse }]);
    const paid = await pay(learner, order.id, 'tok_ok');
    expect(paid.status).toBe('PAID');
    expect(paid.invoice?.lines).toEqual([expect.objectContaining({ quantity: 1, unitPrice: { amountMinor: 7500 } })]);
    const enrollment = await eventually(
      () => as<{ course: { viewerEnrollment: { id: string; status: string } | null } }>(stack, learner, VIEWER_ENROLLMENT, { id: pricedCourse }),
      (r) => r.course.viewerEnrollment !== null,
      'the paid order to enroll the customer',
    );
    expect(enrollment.course.viewerEnrollment!.status).toBe('ACTIVE');
    expect((await as<{ enroll: { id: string } }>(stack, learner, ENROLL, { courseId: pricedCourse })).enroll.id).toBe(enrollment.course.viewerEnrollment!.id);
  }, 90_000);
});

describe('100 concurrent payOrder calls for one order', () => {
  it('charge it once, mark it PAID once and publish one OrderPaid, ten times over', async () => {
    for (let run = 0; run < 10; run++) {
      const buyer = await tokenFor(randomUUID());
      const order = await checkout(buyer, [{ courseId: pricedCourse }]);
      const answers = await Promise.all(Array.from({ length: 100 }, () => send(buyer, PAY, { orderId: order.id, token: 'tok_ok' })));
      // Every call is the same attempt (or a retry of it): each answers the paid order.
      expect(answers.map((a) => a.body.errors?.[0]?.message ?? a.body.data!.payOrder.status)).toEqual(Array(100).fill('PAID'));
      const rows = await paymentRows(order.id);
      expect(rows.map((r) => r.status)).toEqual(['SUCCEEDED']);
      expect((await outboxOf(order.id)).map((e) => e.type)).toEqual(['OrderPaid']);
      expect(await adminRows(stack.database.adminUrl, 'SELECT 1 FROM commerce.invoices WHERE order_id = $1', [order.id])).toHaveLength(1);
    }
  }, 180_000);

  it('with different tokens: one attempt at a time, the others CONFLICT', async () => {
    const buyer = await tokenFor(randomUUID());
    const order = await checkout(buyer, [{ courseId: pricedCourse }]);
    const waiting = await send(buyer, PAY, { orderId: order.id, token: 'tok_3ds' });
    expect(waiting.body.data!.payOrder.status).toBe('PENDING');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(buyer, PAY, { orderId: order.id, token: i % 2 ? 'tok_ok' : 'tok_declined' })));
    expect(answers.map((a) => codeOf(a.body))).toEqual(Array(20).fill('CONFLICT'));
    expect((await paymentRows(order.id)).map((r) => r.status)).toEqual(['REQUIRES_PAYMENT']);
  }, 60_000);
});

describe('invoices', () => {
  it('are numbered per year without gaps, one per paid order', async () => {
    const rows = await adminRows<{ number: string }>(stack.database.adminUrl, 'SELECT number FROM commerce.invoices ORDER BY number');
    const paidOrders = await adminRows<{ n: string }>(stack.database.adminUrl, "SELECT count(*) AS n FROM commerce.orders WHERE status = 'PAID'");
    expect(rows).toHaveLength(Number(paidOrders[0]!.n));
    const year = new Date().getUTCFullYear();
    expect(rows.map((r) => r.number)).toEqual(rows.map((_, i) => `INV-${year}-${String(i + 1).padStart(6, '0')}`));
  });
});
