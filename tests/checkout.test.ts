// Commerce's checkout through the gateway: seat holds from scheduling's events, quotes and every
// reason a discount code is not applied, idempotent checkout (also under 100 concurrent calls
// with one key), discount limits and ticket quantities never exceeded under concurrency, order
// reads and cancelling an order releasing what it held.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { mintTestAccessToken } from '@academy/service-kit/testing';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const REGISTER = `mutation($sessionId: ID!) { registerForSession(sessionId: $sessionId) { id status holdExpiresAt } }`;
const SET_PRICE = `mutation($courseId: ID!, $amountMinor: Int!, $currency: String!) { setCoursePrice(courseId: $courseId, amountMinor: $amountMinor, currency: $currency) { id } }`;
const CREATE_CODE = `mutation($input: CreateDiscountCodeInput!) { createDiscountCode(input: $input) { id code kind value currency usageLimit usageCount active } }`;
const QUOTE = `query($items: [CheckoutItemInput!]!, $code: String) {
  quote(items: $items, discountCode: $code) { subtotal { amountMinor currency } discount { amountMinor } total { amountMinor formatted } discountCode discountError }
}`;
const ORDER_FIELDS = `id reference status customer { id } subtotal { amountMinor currency } discount { amountMinor } total { amountMinor }
  discountCode createdAt paidAt payments { id } refunds { id }
  items { kind description quantity unitPrice { amountMinor } total { amountMinor } registration { id } course { id } ticketType { id sold } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { ${ORDER_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { id status } }`;
const CREATE_EVENT = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id slug } }`;
const CREATE_TICKET = `mutation($eventId: ID!, $name: String!, $amountMinor: Int!, $currency: String!, $quantity: Int!) {
  createTicketType(eventId: $eventId, name: $name, amountMinor: $amountMinor, currency: $currency, quantity: $quantity) { id name price { amountMinor currency } quantity sold available event { id } }
}`;

let stack: TestStack;
let admin: SignedUpUser;
let organizer: SignedUpUser;
let learner: SignedUpUser;
const trainerId = uuid();
const pricedCourse = uuid();
const cheapCourse = uuid();
const euroCourse = uuid();
const freeCourse = uuid();

const send = (user: SignedUpUser | null, query: string, variables: Record<string, unknown>) =>
  stack.query<Record<string, any>>(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {});
const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;
const fieldOf = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => body.errors?.[0]?.extensions?.field;

/** A token for a user who exists only as an id: commerce and scheduling need no more. */
async function tokenFor(userId: string, roles: string[] = ['LEARNER']): Promise<SignedUpUser> {
  const accessToken = await mintTestAccessToken({ userId, roles, privateKey: createPrivateKey(stack.signingKey.pem), keyId: stack.signingKey.kid });
  return { id: userId, email: `${userId}@example.test`, displayName: 'Tester', accessToken };
}

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
/** A session of `course` starting in a week, inserted as scheduling's rows. */
async function session(course: string, capacity = 10): Promise<string> {
  const id = uuid();
  const startsAt = new Date(Date.now() + (24 * 7 + sessionsMade++) * 3_600_000);
  await withAdmin(stack.database.adminUrl, (db) =>
    insertRows(db, 'scheduling.training_sessions', [
      { id, course_id: course, trainer_id: trainerId, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 3_600_000), status: 'SCHEDULED', capacity },
    ]),
  );
  return id;
}

const checkoutInput = (items: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({ input: { items, idempotencyKey: `key-${randomUUID()}`, ...extra } });

async function newCode(input: Record<string, unknown>): Promise<string> {
  const code = `T${randomUUID().slice(0, 8).toUpperCase()}`;
  await as(stack, admin, CREATE_CODE, { input: { code, ...input } });
  return code;
}

async function ticketType(quantity: number, amountMinor = 2000, currency = 'GBP'): Promise<string> {
  const event = await as<{ createEvent: { id: string } }>(stack, organizer, CREATE_EVENT, {
    input: { name: `Summit ${randomUUID().slice(0, 6)}`, startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), endsAt: new Date(Date.now() + 31 * 86_400_000).toISOString() },
  });
  const created = await as<{ createTicketType: { id: string } }>(stack, organizer, CREATE_TICKET, { eventId: event.createEvent.id, name: 'Standard', amountMinor, currency, quantity });
  return created.createTicketType.id;
}

beforeAll(async () => {
  stack = await startStack();
  admin = await signUpWithRoles(stack, 'Admin', ['ADMIN']);
  organizer = await signUpWithRoles(stack, 'Organizer', ['ORGANIZER']);
  learner = await signUpWithRoles(stack, 'Learner', ['LEARNER']);
  const trainerUser = await signUpWithRoles(stack, 'Trainer', ['TRAINER']);
  await withAdmin(stack.database.adminUrl, (db) => insertRows(db, 'scheduling.trainers', [{ id: trainerId, user_id: trainerUser.id }]));
  await as(stack, admin, SET_PRICE, { courseId: pricedCourse, amountMinor: 7500, currency: 'GBP' });
  await as(stack, admin, SET_PRICE, { courseId: cheapCourse, amountMinor: 999, currency: 'GBP' });
  await as(stack, admin, SET_PRICE, { courseId: euroCourse, amountMinor: 5000, currency: 'EUR' });
  // Scheduling decides "priced" from its copy of commerce's prices: wait for it.
  await eventually(
    () => adminRows(stack.database.adminUrl, 'SELECT 1 FROM scheduling.course_prices WHERE course_id = $1 AND amount_minor IS NOT NULL', [pricedCourse]),
    (rows) => rows.length === 1,
    "scheduling's copy of the price",
  );
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('seat holds and prices', () => {
  it('checks out a held seat: RegistrationHeld reaches commerce, the order is PENDING with the seat item', async () => {
    const sessionId = await session(pricedCourse);
    const price = await as<{ trainingSession: { price: { amountMinor: number } } }>(stack, learner, `query($id: ID!) { trainingSession(id: $id) { price { amountMinor } } }`, { id: sessionId });
    expect(price.trainingSession.price.amountMinor).toBe(7500);
    const registration = (await as<{ registerForSession: { id: string; status: string } }>(stack, learner, REGISTER, { sessionId })).registerForSession;
    expect(registration.status).toBe('PENDING_PAYMENT');
    const events = await adminRows<{ type: string; payload: Record<string, unknown> }>(stack.database.adminUrl, 'SELECT type, payload FROM scheduling.outbox WHERE aggregate_id = $1', [registration.id]);
    expect(events).toEqual([{ type: 'RegistrationHeld', payload: expect.objectContaining({ registrationId: registration.id, sessionId, userId: learner.id, courseId: pricedCourse }) }]);

    // Straight after registering: checkout waits for commerce's copy of the hold.
    const { body } = await send(learner, CHECKOUT, checkoutInput([{ registrationId: registration.id }]));
    expect(body.errors).toBeUndefined();
    const order = body.data!.checkout;
    expect(order).toMatchObject({
      status: 'PENDING',
      customer: { id: learner.id },
      subtotal: { amountMinor: 7500, currency: 'GBP' },
      discount: { amountMinor: 0 },
      total: { amountMinor: 7500 },
      discountCode: null,
      paidAt: null,
      payments: [],
      refunds: [],
      items: [{ kind: 'SESSION_SEAT', quantity: 1, unitPrice: { amountMinor: 7500 }, total: { amountMinor: 7500 }, registration: { id: registration.id }, course: { id: pricedCourse }, ticketType: null }],
    });
    expect(order.reference).toMatch(/^BK-[2-9A-HJ-NP-Z]{6}$/);

    // The order is the registration's, to its owner; the seat cannot go into a second order.
    const mine = await as<{ me: { registrations: { id: string; order: { id: string } | null }[]; orders: { totalCount: number } } }>(
      stack, learner, `{ me { registrations { id order { id } } orders(first: 5) { totalCount } } }`,
    );
    expect(mine.me.registrations.find((r) => r.id === registration.id)?.order?.id).toBe(order.id);
    expect(mine.me.orders.totalCount).toBe(1);
    const again = await send(learner, CHECKOUT, checkoutInput([{ registrationId: registration.id }]));
    expect(codeOf(again.body)).toBe('CONFLICT');
    const someoneElse = await tokenFor(randomUUID());
    const stolen = await send(someoneElse, CHECKOUT, checkoutInput([{ registrationId: registration.id }]));
    expect([codeOf(stolen.body), fieldOf(stolen.body)]).toEqual(['BAD_USER_INPUT', 'input.items.0.registrationId']);
    expect((await send(someoneElse, `query($id: ID!) { order(id: $id) { id } }`, { id: order.id })).body.data!.order).toBeNull();

    // Cancelling the order releases the seat in scheduling (OrderCancelled).
    const cancelled = await as<{ cancelOrder: { status: string } }>(stack, learner, CANCEL, { id: order.id });
    expect(cancelled.cancelOrder.status).toBe('CANCELLED');
    await eventually(
      () => adminRows<{ status: string }>(stack.database.adminUrl, 'SELECT status FROM scheduling.registrations WHERE id = $1', [registration.id]),
      (rows) => rows[0]!.status === 'CANCELLED',
      'the released seat',
    );
    expect(codeOf((await send(learner, CANCEL, { id: order.id })).body)).toBe('CONFLICT');
  }, 60_000);

  it('refuses baskets it cannot sell (BAD_USER_INPUT naming the field) and callers who are not signed in', async () => {
    const cases: [Record<string, unknown>[], string][] = [
      [[{ courseId: freeCourse }], 'input.items.0.courseId'],
      [[{ courseId: pricedCourse, ticketTypeId: uuid() }], 'input.items.0'],
      [[{ courseId: pricedCourse }, { courseId: euroCourse }], 'input.items'],
      [[{ courseId: pricedCourse, quantity: 2 }], 'input.items.0.quantity'],
      [[{ registrationId: uuid() }], 'input.items.0.registrationId'],
      [[], 'input.items'],
    ];
    for (const [items, field] of cases) {
      const { body } = await send(learner, CHECKOUT, checkoutInput(items));
      expect([codeOf(body), fieldOf(body)]).toEqual(['BAD_USER_INPUT', field]);
    }
    const short = await send(learner, CHECKOUT, { input: { items: [{ courseId: pricedCourse }], idempotencyKey: 'short' } });
    expect([codeOf(short.body), fieldOf(short.body)]).toEqual(['BAD_USER_INPUT', 'input.idempotencyKey']);
    expect(codeOf((await send(null, CHECKOUT, checkoutInput([{ courseId: pricedCourse }]))).body)).toBe('UNAUTHENTICATED');
  }, 30_000);
});

describe('discount codes', () => {
  it('are created by ADMIN only, checked, stored upper-case and unique whatever the case', async () => {
    const code = `Spring-${randomUUID().slice(0, 6)}`;
    const created = await as<{ createDiscountCode: Record<string, unknown> }>(stack, admin, CREATE_CODE, { input: { code, kind: 'PERCENT', value: 10, usageLimit: 5 } });
    expect(created.createDiscountCode).toMatchObject({ code: code.toUpperCase(), kind: 'PERCENT', value: 10, currency: null, usageLimit: 5, usageCount: 0, active: true });
    expect(codeOf((await send(admin, CREATE_CODE, { input: { code: code.toLowerCase(), kind: 'PERCENT', value: 5 } })).body)).toBe('CONFLICT');
    const bad: [Record<string, unknown>, string][] = [
      [{ code: 'no', kind: 'PERCENT', value: 5 }, 'input.code'],
      [{ code: 'BAD CODE', kind: 'PERCENT', value: 5 }, 'input.code'],
      [{ code: 'PCT101', kind: 'PERCENT', value: 101 }, 'input.value'],
      [{ code: 'FIX-NOCUR', kind: 'FIXED', value: 500 }, 'input.currency'],
      [{ code: 'WINDOW', kind: 'PERCENT', value: 5, validFrom: '2030-01-02T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' }, 'input.validUntil'],
    ];
    for (const [input, field] of bad) {
      const { body } = await send(admin, CREATE_CODE, { input });
      expect([codeOf(body), fieldOf(body)]).toEqual(['BAD_USER_INPUT', field]);
    }
    expect(codeOf((await send(learner, CREATE_CODE, { input: { code: 'MINE-123', kind: 'PERCENT', value: 50 } })).body)).toBe('FORBIDDEN');
    expect(codeOf((await send(learner, `{ discountCodes { id } }`, {})).body)).toBe('FORBIDDEN');
    const list = await as<{ discountCodes: { code: string }[] }>(stack, admin, `{ discountCodes { code } }`);
    expect(list.discountCodes.map((c) => c.code)).toContain(code.toUpperCase());
  });

  it('quote applies a code (percent rounded down) and says why one is not applied', async () => {
    const items = [{ courseId: cheapCourse }];
    const plain = await as<{ quote: Record<string, any> }>(stack, learner, QUOTE, { items });
    expect(plain.quote).toMatchObject({ subtotal: { amountMinor: 999, currency: 'GBP' }, discount: { amountMinor: 0 }, total: { amountMinor: 999, formatted: '£9.99' }, discountCode: null, discountError: null });

    // floor(999 × 33 / 100) = 329: a percentage never takes off more than it says.
    const percent = await newCode({ kind: 'PERCENT', value: 33 });
    const withPercent = await as<{ quote: Record<string, any> }>(stack, learner, QUOTE, { items, code: percent.toLowerCase() });
    expect(withPercent.quote).toMatchObject({ discount: { amountMinor: 329 }, total: { amountMinor: 670 }, discountCode: percent, discountError: null });
    // A fixed amount never takes off more than the subtotal.
    const big = await newCode({ kind: 'FIXED', value: 5000, currency: 'GBP' });
    expect((await as<{ quote: Record<string, any> }>(stack, learner, QUOTE, { items, code: big })).quote).toMatchObject({ discount: { amountMinor: 999 }, total: { amountMinor: 0 } });

    const expired = await newCode({ kind: 'PERCENT', value: 10, validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' });
    const notYet = await newCode({ kind: 'PERCENT', value: 10, validFrom: '2099-01-01T00:00:00Z' });
    const euro = await newCode({ kind: 'FIXED', value: 100, currency: 'EUR' });
    const usedUp = await newCode({ kind: 'PERCENT', value: 10, usageLimit: 1 });
    await as(stack, learner, CHECKOUT, checkoutInput(items, { discountCode: usedUp }));
    const inactive = await newCode({ kind: 'PERCENT', value: 10 });
    await adminRows(stack.database.adminUrl, 'UPDATE commerce.discount_codes SET active = false WHERE code = $1', [inactive]);
    const reasons: [string, RegExp][] = [
      ['NO-SUCH-CODE', /unknown/i],
      [expired, /expired/i],
      [notYet, /not valid until/i],
      [euro, /EUR/],
      [usedUp, /used up/i],
      [inactive, /inactive/i],
    ];
    for (const [code, reason] of reasons) {
      const { quote } = await as<{ quote: Record<string, any> }>(stack, learner, QUOTE, { items, code });
      expect(quote).toMatchObject({ discount: { amountMinor: 0 }, total: { amountMinor: 999 }, discountCode: null });
      expect(quote.discountError).toMatch(reason);
    }
    // At checkout the same codes are refused: used up is CONFLICT, the others BAD_USER_INPUT.
    expect(codeOf((await send(learner, CHECKOUT, checkoutInput(items, { discountCode: usedUp }))).body)).toBe('CONFLICT');
    const refused = await send(learner, CHECKOUT, checkoutInput(items, { discountCode: expired }));
    expect([codeOf(refused.body), fieldOf(refused.body)]).toEqual(['BAD_USER_INPUT', 'input.discountCode']);

    const ordered = await as<{ checkout: Record<string, any> }>(stack, learner, CHECKOUT, checkoutInput(items, { discountCode: percent }));
    expect(ordered.checkout).toMatchObject({ subtotal: { amountMinor: 999 }, discount: { amountMinor: 329 }, total: { amountMinor: 670 }, discountCode: percent });
  }, 30_000);

  it('is used at most usageLimit times: 100 concurrent checkouts with a code limited to 10 give exactly 10 discounted orders, ten times over', async () => {
    const users = await Promise.all(Array.from({ length: 100 }, () => tokenFor(randomUUID())));
    for (let round = 0; round < 10; round++) {
      const code = await newCode({ kind: 'PERCENT', value: 20, usageLimit: 10 });
      const answers = await Promise.all(users.map((user) => send(user, CHECKOUT, checkoutInput([{ courseId: pricedCourse }], { discountCode: code }))));
      const outcomes = answers.map(({ body }) => codeOf(body) ?? body.data!.checkout.discount.amountMinor);
      expect(outcomes.filter((o) => o === 1500)).toHaveLength(10);
      expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(90);
      const [row] = await adminRows<{ usage_count: number; redemptions: number; orders: number }>(
        stack.database.adminUrl,
        `SELECT c.usage_count, (SELECT count(*)::int FROM commerce.discount_redemptions r WHERE r.discount_code_id = c.id) AS redemptions,
           (SELECT count(*)::int FROM commerce.orders o WHERE o.discount_code_id = c.id) AS orders
         FROM commerce.discount_codes c WHERE c.code = $1`,
        [code],
      );
      expect(row).toEqual({ usage_count: 10, redemptions: 10, orders: 10 });
    }
  }, 240_000);
});

describe('idempotency', () => {
  it('answers the same order for the same key and payload, and CONFLICT for the same key with another payload', async () => {
    const input = checkoutInput([{ courseId: pricedCourse }]);
    const first = await as<{ checkout: { id: string } }>(stack, learner, CHECKOUT, input);
    const second = await as<{ checkout: { id: string } }>(stack, learner, CHECKOUT, input);
    expect(second.checkout.id).toBe(first.checkout.id);
    const other = await send(learner, CHECKOUT, { input: { ...input.input, items: [{ courseId: cheapCourse }] } });
    expect(codeOf(other.body)).toBe('CONFLICT');
    // Keys are per user: another user's same key is another order.
    const someone = await tokenFor(randomUUID());
    expect((await as<{ checkout: { id: string } }>(stack, someone, CHECKOUT, input)).checkout.id).not.toBe(first.checkout.id);
  });

  it('makes one order of 100 concurrent checkouts with one key, ten times over', async () => {
    for (let round = 0; round < 10; round++) {
      const user = await tokenFor(randomUUID());
      const input = checkoutInput([{ courseId: pricedCourse }]);
      const answers = await Promise.all(Array.from({ length: 100 }, () => send(user, CHECKOUT, input)));
      expect(answers.map(({ body }) => codeOf(body) ?? null)).toEqual(Array(100).fill(null));
      expect(new Set(answers.map(({ body }) => body.data!.checkout.id)).size).toBe(1);
      const [row] = await adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM commerce.orders WHERE user_id = $1', [user.id]);
      expect(row!.n).toBe(1);
    }
  }, 240_000);
});

describe('tickets', () => {
  it('are put on sale by the event organizer or ADMIN, and listed on the event', async () => {
    const id = await ticketType(5);
    const eventId = (await adminRows<{ event_id: string }>(stack.database.adminUrl, 'SELECT event_id FROM commerce.ticket_types WHERE id = $1', [id]))[0]!.event_id;
    const other = await tokenFor(randomUUID(), ['ORGANIZER']);
    expect(codeOf((await send(other, CREATE_TICKET, { eventId, name: 'VIP', amountMinor: 100, currency: 'GBP', quantity: 5 })).body)).toBe('FORBIDDEN');
    expect(codeOf((await send(learner, CREATE_TICKET, { eventId, name: 'VIP', amountMinor: 100, currency: 'GBP', quantity: 5 })).body)).toBe('FORBIDDEN');
    const bad = await send(admin, CREATE_TICKET, { eventId, name: 'VIP', amountMinor: 100, currency: 'GBP', quantity: 0 });
    expect([codeOf(bad.body), fieldOf(bad.body)]).toEqual(['BAD_USER_INPUT', 'quantity']);
    await as(stack, admin, CREATE_TICKET, { eventId, name: 'VIP', amountMinor: 9900, currency: 'GBP', quantity: 2 });
    const slug = (await adminRows<{ slug: string }>(stack.database.adminUrl, 'SELECT slug FROM scheduling.events WHERE id = $1', [eventId]))[0]!.slug;
    const listed = await as<{ event: { ticketTypes: { name: string; available: number }[] } }>(stack, learner, `query($slug: String!) { event(slug: $slug) { ticketTypes { name available } } }`, { slug });
    expect(listed.event.ticketTypes).toEqual([{ name: 'Standard', available: 5 }, { name: 'VIP', available: 2 }]);
  });

  it('are never oversold: 100 concurrent checkouts of 1–3 tickets for 50, ten times over', async () => {
    const users = await Promise.all(Array.from({ length: 100 }, () => tokenFor(randomUUID())));
    for (let round = 0; round < 10; round++) {
      const id = await ticketType(50);
      const answers = await Promise.all(users.map((user, i) => send(user, CHECKOUT, checkoutInput([{ ticketTypeId: id, quantity: (i % 3) + 1 }]))));
      const bought = answers.filter(({ body }) => !body.errors).reduce((sum, { body }) => sum + body.data!.checkout.items[0].quantity, 0);
      expect(answers.filter(({ body }) => body.errors).every(({ body }) => codeOf(body) === 'CONFLICT')).toBe(true);
      const [row] = await adminRows<{ sold: number; in_orders: string }>(
        stack.database.adminUrl,
        'SELECT t.sold, (SELECT coalesce(sum(quantity), 0) FROM commerce.order_items i WHERE i.ticket_type_id = t.id) AS in_orders FROM commerce.ticket_types t WHERE t.id = $1',
        [id],
      );
      expect(row!.sold).toBeLessThanOrEqual(50);
      expect(row!.sold).toBe(bought);
      expect(Number(row!.in_orders)).toBe(bought);
      expect(bought).toBeGreaterThanOrEqual(48);
    }
  }, 240_000);

  it('cancelling an order gives its tickets and its discount code use back and publishes OrderCancelled', async () => {
    const id = await ticketType(3);
    const code = await newCode({ kind: 'PERCENT', value: 50, usageLimit: 1 });
    const order = (await as<{ checkout: { id: string; total: { amountMinor: number } } }>(stack, learner, CHECKOUT, checkoutInput([{ ticketTypeId: id, quantity: 3 }], { discountCode: code }))).checkout;
    expect(order.total.amountMinor).toBe(3000);
    expect(codeOf((await send(learner, CHECKOUT, checkoutInput([{ ticketTypeId: id, quantity: 1 }]))).body)).toBe('CONFLICT');
    const stranger = await tokenFor(randomUUID());
    expect(codeOf((await send(stranger, CANCEL, { id: order.id })).body)).toBe('NOT_FOUND');
    await as(stack, learner, CANCEL, { id: order.id });
    const [ticket] = await adminRows<{ sold: number }>(stack.database.adminUrl, 'SELECT sold FROM commerce.ticket_types WHERE id = $1', [id]);
    expect(ticket!.sold).toBe(0);
    const [discount] = await adminRows<{ usage_count: number }>(stack.database.adminUrl, 'SELECT usage_count FROM commerce.discount_codes WHERE code = $1', [code]);
    expect(discount!.usage_count).toBe(0);
    const events = await adminRows<{ type: string; payload: Record<string, any> }>(stack.database.adminUrl, 'SELECT type, payload FROM commerce.outbox WHERE aggregate_id = $1', [order.id]);
    expect(events).toEqual([
      { type: 'OrderCancelled', payload: expect.objectContaining({ orderId: order.id, userId: learner.id, reason: 'CANCELLED', items: [expect.objectContaining({ kind: 'EVENT_TICKET', ticketTypeId: id, quantity: 3 })] }) },
    ]);
    // The tickets and the code are free for the next customer.
    const next = await as<{ checkout: { discount: { amountMinor: number } } }>(stack, stranger, CHECKOUT, checkoutInput([{ ticketTypeId: id, quantity: 3 }], { discountCode: code }));
    expect(next.checkout.discount.amountMinor).toBe(3000);
  }, 30_000);
});

describe('order reads', () => {
  it('lists orders to ADMIN only, filtered, newest first, with exact totals', async () => {
    const buyer = await tokenFor(randomUUID());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await as<{ checkout: { id: string } }>(stack, buyer, CHECKOUT, checkoutInput([{ courseId: pricedCourse }]))).checkout.id);
    await as(stack, buyer, CANCEL, { id: ids[0] });
    const ORDERS = `query($first: Int, $after: String, $filter: OrderFilter) { orders(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`;
    expect(codeOf((await send(buyer, ORDERS, { filter: { customerId: buyer.id } })).body)).toBe('FORBIDDEN');
    const page1 = await as<{ orders: any }>(stack, admin, ORDERS, { first: 2, filter: { customerId: buyer.id } });
    expect(page1.orders.totalCount).toBe(3);
    expect(page1.orders.edges.map((e: any) => e.node.id)).toEqual([ids[2], ids[1]]);
    const page2 = await as<{ orders: any }>(stack, admin, ORDERS, { first: 2, after: page1.orders.pageInfo.endCursor, filter: { customerId: buyer.id } });
    expect(page2.orders.edges.map((e: any) => e.node.id)).toEqual([ids[0]]);
    const cancelled = await as<{ orders: any }>(stack, admin, ORDERS, { filter: { customerId: buyer.id, status: 'CANCELLED' } });
    expect(cancelled.orders.edges.map((e: any) => e.node.id)).toEqual([ids[0]]);
    const own = await as<{ order: { id: string } }>(stack, buyer, `query($id: ID!) { order(id: $id) { id } }`, { id: ids[1] });
    expect(own.order.id).toBe(ids[1]);
  }, 30_000);
});
