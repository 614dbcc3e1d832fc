// Event tickets through the gateway: attendees named at checkout (validated, one per ticket, the
// buyer by default), tickets issued in the transaction that marks the order PAID (as the payment
// flow does, through issueTicketsForPaidOrder), codes and QR codes shown to the buyer only, the
// organizer's attendee list, check-in once by the organizer or ADMIN (also under concurrent
// scans), and cancelling a paid order's tickets giving them back to their ticket type.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createDatabase } from '@academy/service-kit';
import { cancelTicketsOfOrder, issueTicketsForPaidOrder, type CommerceDatabase } from '@academy/subgraph-commerce';
import { adminRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const CREATE_EVENT = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id slug } }`;
const CREATE_TICKET = `mutation($eventId: ID!, $quantity: Int!) {
  createTicketType(eventId: $eventId, name: "Standard", amountMinor: 2000, currency: "GBP", quantity: $quantity) { id }
}`;
const TICKET_FIELDS = `id status attendeeName attendeeEmail attendeeUser { id } code qrSvg issuedAt checkedInAt checkedInBy { id } event { id } ticketType { id }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { id status tickets { id } items { id quantity } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status tickets { ${TICKET_FIELDS} } } }`;
const EVENT = `query($slug: String!) { event(slug: $slug) { ticketsSold ticketTypes { sold } tickets(first: 10) { totalCount edges { node { attendeeName attendeeEmail code } } } } }`;
const CHECK_IN = `mutation($code: String!) { checkInTicket(code: $code) { ${TICKET_FIELDS} } }`;

let stack: TestStack;
let commerce: ReturnType<typeof createDatabase<CommerceDatabase>>;
let admin: SignedUpUser;
let organizer: SignedUpUser;
let otherOrganizer: SignedUpUser;
let buyer: SignedUpUser;
let stranger: SignedUpUser;
let eventId: string;
let eventSlug: string;
let ticketTypeId: string;

const send = (user: SignedUpUser | null, query: string, variables: Record<string, unknown>) =>
  stack.query<Record<string, any>>(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {});
const errorOf = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => body.errors?.[0]?.extensions;
const checkoutInput = (items: Record<string, unknown>[]) => ({ input: { items, idempotencyKey: `key-${randomUUID()}` } });

/** Marks the order PAID and issues its tickets in one transaction, as the payment flow does. */
const pay = (orderId: string) =>
  commerce.db.transaction().execute(async (trx) => {
    await trx.updateTable('commerce.orders').set({ status: 'PAID', paid_at: new Date() }).where('id', '=', orderId).execute();
    return issueTicketsForPaidOrder(trx, orderId);
  });

async function buy(items: Record<string, unknown>[]): Promise<string> {
  const { body } = await send(buyer, CHECKOUT, checkoutInput(items));
  expect(body.errors).toBeUndefined();
  return body.data!.checkout.id as string;
}

const sold = async () => (await adminRows<{ sold: number }>(stack.database.adminUrl, 'SELECT sold FROM commerce.ticket_types WHERE id = $1', [ticketTypeId]))[0]!.sold;

beforeAll(async () => {
  stack = await startStack();
  commerce = createDatabase<CommerceDatabase>({ connectionString: stack.database.urlFor('academy_commerce'), poolSize: 2 });
  [admin, organizer, otherOrganizer, buyer, stranger] = await Promise.all([
    signUpWithRoles(stack, 'Admin', ['ADMIN']),
    signUpWithRoles(stack, 'Organizer', ['ORGANIZER']),
    signUpWithRoles(stack, 'Organizer2', ['ORGANIZER']),
    signUpWithRoles(stack, 'Buyer', ['LEARNER']),
    signUpWithRoles(stack, 'Stranger', ['LEARNER']),
  ]);
  const event = await as<{ createEvent: { id: string; slug: string } }>(stack, organizer, CREATE_EVENT, {
    input: { name: `Open day ${randomUUID().slice(0, 6)}`, startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), endsAt: new Date(Date.now() + 30.2 * 86_400_000).toISOString() },
  });
  eventId = event.createEvent.id;
  eventSlug = event.createEvent.slug;
  // Commerce learns of the event from scheduling's EventScheduled: wait for its copy.
  const deadline = Date.now() + 45_000;
  while ((await adminRows(stack.database.adminUrl, 'SELECT 1 FROM commerce.events WHERE id = $1', [eventId])).length === 0) {
    if (Date.now() > deadline) throw new Error("timed out waiting for commerce's copy of the event");
    await delay(50);
  }
  ticketTypeId = (await as<{ createTicketType: { id: string } }>(stack, organizer, CREATE_TICKET, { eventId, quantity: 20 })).createTicketType.id;
}, 90_000);

afterAll(async () => {
  await commerce?.close();
  await stack?.stop();
});

describe('attendees at checkout', () => {
  it('refuses attendees that do not match the tickets, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ticketTypeId, quantity: 2, attendees: [{ name: 'Ada', email: 'ada@example.com' }] }, 'input.items.0.attendees'],
      [{ ticketTypeId, quantity: 2, attendees: [{ name: 'Ada', email: 'ada@example.com' }, { name: 'Ben', email: 'not-an-address' }] }, 'input.items.0.attendees.1.email'],
      [{ ticketTypeId, quantity: 1, attendees: [{ name: '   ', email: 'ada@example.com' }] }, 'input.items.0.attendees.0.name'],
      [{ courseId: uuid(), attendees: [{ name: 'Ada', email: 'ada@example.com' }] }, 'input.items.0.attendees'],
    ];
    for (const [item, field] of cases) {
      const { body } = await send(buyer, CHECKOUT, checkoutInput([item]));
      expect(errorOf(body)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await sold()).toBe(0);
  });
});

describe('tickets of a paid order', () => {
  let orderId: string;
  let codes: string[];

  it('issues no ticket before payment, then one per attendee when the order is PAID (once, however often asked)', async () => {
    orderId = await buy([{ ticketTypeId, quantity: 2, attendees: [{ name: ' Ada Lovelace ', email: 'Ada@Example.COM' }, { name: 'Ben Okri', email: 'ben@example.com' }] }]);
    expect((await as<{ order: { tickets: unknown[] } }>(stack, buyer, ORDER, { id: orderId })).order.tickets).toEqual([]);
    await expect(issueTicketsForPaidOrder(commerce.db, orderId)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });

    const issued = await pay(orderId);
    expect(issued).toHaveLength(2);
    expect(await commerce.db.transaction().execute((trx) => issueTicketsForPaidOrder(trx, orderId))).toEqual(issued);

    const { order } = await as<{ order: { tickets: Record<string, any>[] } }>(stack, buyer, ORDER, { id: orderId });
    expect(order.tickets.map((t) => [t.attendeeName, t.attendeeEmail, t.attendeeUser, t.status])).toEqual([
      ['Ada Lovelace', 'ada@example.com', null, 'VALID'],
      ['Ben Okri', 'ben@example.com', null, 'VALID'],
    ]);
    codes = order.tickets.map((t) => t.code as string);
    for (const ticket of order.tickets) {
      expect(ticket.code).toMatch(/^[A-Za-z0-9_-]{27}$/);
      expect(ticket.qrSvg).toMatch(/^<svg/);
      expect(ticket).toMatchObject({ event: { id: eventId }, ticketType: { id: ticketTypeId }, checkedInAt: null, checkedInBy: null });
    }
    expect(new Set(codes).size).toBe(2);
    // ADMIN sees the order and its tickets, but not the codes.
    const seenByAdmin = await as<{ order: { tickets: { code: string | null; qrSvg: string | null }[] } }>(stack, admin, ORDER, { id: orderId });
    expect(seenByAdmin.order.tickets.map((t) => [t.code, t.qrSvg])).toEqual([[null, null], [null, null]]);
  });

  it('gives the tickets to the buyer when no attendee is named', async () => {
    const id = await buy([{ ticketTypeId, quantity: 1 }]);
    await pay(id);
    const { order } = await as<{ order: { tickets: Record<string, any>[] } }>(stack, buyer, ORDER, { id });
    expect(order.tickets).toEqual([expect.objectContaining({ attendeeName: null, attendeeEmail: null, attendeeUser: { id: buyer.id }, status: 'VALID' })]);
  });

  it('lists the attendees to the organizer and ADMIN only, without their codes', async () => {
    const { event } = await as<{ event: Record<string, any> }>(stack, organizer, EVENT, { slug: eventSlug });
    expect(event.ticketsSold).toBe(3);
    expect(event.tickets.totalCount).toBe(3);
    expect(event.tickets.edges.map((e: any) => e.node)).toEqual(
      expect.arrayContaining([{ attendeeName: 'Ada Lovelace', attendeeEmail: 'ada@example.com', code: null }, { attendeeName: null, attendeeEmail: null, code: null }]),
    );
    expect((await as<{ event: Record<string, any> }>(stack, admin, EVENT, { slug: eventSlug })).event.tickets.totalCount).toBe(3);
    for (const other of [stranger, otherOrganizer]) {
      const seen = await as<{ event: Record<string, any> }>(stack, other, EVENT, { slug: eventSlug });
      expect(seen.event.tickets).toEqual({ totalCount: 0, edges: [] });
      expect(seen.event.ticketsSold).toBe(3);
    }
  });

  it('checks a ticket in once, by the organizer only; a second scan answers the same ticket', async () => {
    expect(errorOf((await send(null, CHECK_IN, { code: codes[0] })).body)?.code).toBe('UNAUTHENTICATED');
    expect(errorOf((await send(organizer, CHECK_IN, { code: 'x'.repeat(27) })).body)?.code).toBe('NOT_FOUND');
    expect(errorOf((await send(organizer, CHECK_IN, { code: '' })).body)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    for (const wrong of [buyer, stranger, otherOrganizer]) expect(errorOf((await send(wrong, CHECK_IN, { code: codes[0] })).body)?.code).toBe('FORBIDDEN');

    const first = (await as<{ checkInTicket: Record<string, any> }>(stack, organizer, CHECK_IN, { code: codes[0] })).checkInTicket;
    expect(first).toMatchObject({ status: 'CHECKED_IN', attendeeName: 'Ada Lovelace', checkedInBy: { id: organizer.id }, code: null });
    expect(first.checkedInAt).toEqual(expect.any(String));
    const again = (await as<{ checkInTicket: Record<string, any> }>(stack, organizer, CHECK_IN, { code: codes[0] })).checkInTicket;
    expect(again).toEqual(first);
  });

  it('checks a ticket in exactly once under concurrent scans by the organizer and ADMIN', async () => {
    const scans = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i % 2 ? admin : organizer, CHECK_IN, { code: codes[1] })));
    for (const { body } of scans) expect(body.errors).toBeUndefined();
    const answers = scans.map(({ body }) => body.data!.checkInTicket);
    expect(new Set(answers.map((t) => `${t.checkedInAt}|${t.checkedInBy.id}`)).size).toBe(1);
    const rows = await adminRows<{ status: string }>(stack.database.adminUrl, 'SELECT status FROM commerce.tickets WHERE code = $1', [codes[1]]);
    expect(rows).toEqual([{ status: 'CHECKED_IN' }]);
  });

  it('cancels the tickets of a refunded order once, giving them back to the ticket type', async () => {
    expect(await sold()).toBe(3);
    const cancelled = await commerce.db.transaction().execute((trx) => cancelTicketsOfOrder(trx, orderId));
    expect(cancelled).toHaveLength(2);
    expect(await sold()).toBe(1);
    expect(await commerce.db.transaction().execute((trx) => cancelTicketsOfOrder(trx, orderId))).toEqual([]);
    expect(await sold()).toBe(1);
    const { order } = await as<{ order: { tickets: { status: string; checkedInAt: string | null }[] } }>(stack, buyer, ORDER, { id: orderId });
    expect(order.tickets.map((t) => t.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(order.tickets[0]!.checkedInAt).toEqual(expect.any(String));
    // A cancelled ticket admits nobody, even one checked in before.
    expect(errorOf((await send(organizer, CHECK_IN, { code: codes[0] })).body)?.code).toBe('CONFLICT');
  });
});

describe('cancelling an unpaid ticket order', () => {
  it('gives its tickets back without issuing any', async () => {
    const before = await sold();
    const id = await buy([{ ticketTypeId, quantity: 3, attendees: ['a', 'b', 'c'].map((n) => ({ name: n, email: `${n}@example.com` })) }]);
    expect(await sold()).toBe(before + 3);
    const { body } = await send(buyer, `mutation($id: ID!) { cancelOrder(id: $id) { status tickets { id } } }`, { id });
    expect(body.data?.cancelOrder).toEqual({ status: 'CANCELLED', tickets: [] });
    expect(await sold()).toBe(before);
    await withAdmin(stack.database.adminUrl, async (db) => {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM commerce.order_item_attendees a JOIN commerce.order_items i ON i.id = a.order_item_id WHERE i.order_id = $1', [id]);
      expect(rows[0].n).toBe(3);
    });
  });
});

describe('paying a ticket order through payOrder', () => {
  it('issues the tickets in the transaction that marks the order PAID', async () => {
    const paidOrderId = await buy([{ ticketTypeId, quantity: 2, attendees: [{ name: 'Cy Twombly', email: 'cy@example.com' }, { name: 'Di Mo', email: 'di@example.com' }] }]);
    const paid = await as<{ payOrder: { status: string; tickets: { attendeeName: string; status: string }[] } }>(
      stack,
      buyer,
      `mutation($id: ID!) { payOrder(orderId: $id, paymentToken: "tok_ok") { status tickets { attendeeName status } } }`,
      { id: paidOrderId },
    );
    expect(paid.payOrder).toEqual({
      status: 'PAID',
      tickets: [
        { attendeeName: 'Cy Twombly', status: 'VALID' },
        { attendeeName: 'Di Mo', status: 'VALID' },
      ],
    });
  });
});
