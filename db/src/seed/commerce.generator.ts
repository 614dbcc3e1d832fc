// Commerce's demo data, consistent with the other domains' rows as commerce's own flows and
// consumers would have left it: the copies of sessions, seat holds, events and course titles;
// a PAID order behind every paid seat and every enrollment in a priced course; event tickets
// with their attendees and check-ins; discount codes and what used them; one payment per paid order.
import type { Row } from './bulk-insert.js';
import { DAY, HOUR, MINUTE, iso, type CourseEntity, type EnrollmentEntity, type SessionEntity, type TableRows, type UserEntity } from './model.js';
import type { Prng } from './prng.js';
import { NAME_POOLS } from './word-lists.js';

/** The booking reference alphabet (no 0/O or 1/I), as checkout draws references. */
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** What commerce's demo data is built from: the rows and entities of the other domains. */
export interface CommerceInput {
  anchor: number;
  users: readonly UserEntity[];
  learners: readonly number[];
  admin: number;
  demoLearner: number;
  demoOrganizer: number;
  courses: readonly CourseEntity[];
  enrollmentsByUser: readonly EnrollmentEntity[][];
  sessions: readonly SessionEntity[];
  /** scheduling.training_sessions rows (id, course_id, venue_id, trainer_id, starts_at, ends_at, status, …). */
  sessionRows: readonly Row[];
  /** scheduling.registrations rows (id, session_id, user_id, status, hold_expires_at, …, created_at, updated_at, confirmed_at). */
  registrationRows: readonly Row[];
  /** commerce.prices rows (id, course_id, session_id, amount_minor, currency, …). */
  priceRows: readonly Row[];
  /** scheduling.events rows (id, slug, name, description, starts_at, ends_at, venue_id, organizer_id, status, created_at). */
  eventRows: readonly Row[];
}

export interface CommerceData {
  tables: TableRows[];
  /** The PAID order behind each enrollment in a priced course (learning records it as source ORDER). */
  orderOfEnrollment: Map<string, string>;
}

type OrderStatus = 'PENDING' | 'PAID' | 'FAILED' | 'CANCELLED';

interface Line {
  kind: 'SESSION_SEAT' | 'COURSE_ACCESS' | 'EVENT_TICKET';
  description: string;
  quantity: number;
  unitMinor: number;
  courseId: string | null;
  sessionId: string | null;
  registrationId: string | null;
  ticketTypeId: string | null;
}

interface DiscountCode {
  id: string;
  code: string;
  kind: 'PERCENT' | 'FIXED';
  value: number;
  currency: string | null;
  validFrom: number | null;
  validUntil: number | null;
  active: boolean;
  usageCount: number;
}

const ms = (cell: Row[number]): number => Date.parse(String(cell));

const REFUND_REASONS = ['Cannot make the date any more.', 'Booked the wrong session by mistake.', 'The course was cancelled by my employer.', 'Illness in the family.'];

/** Demo orders, order items, payments, discount uses, ticket types and tickets, and commerce's copies. */
export function generateCommerce(rng: Prng, input: CommerceInput): CommerceData {
  const { anchor, users, courses } = input;
  const orders: Row[] = [];
  const items: Row[] = [];
  const payments: Row[] = [];
  const redemptions: Row[] = [];
  const attendees: Row[] = [];
  const tickets: Row[] = [];
  const refunds: Row[] = [];
  const references = new Set<string>();
  const titled = (course: CourseEntity) => course.status !== 'DRAFT';

  const reference = (): string => {
    for (;;) {
      const ref = `BK-${Array.from({ length: 6 }, () => REFERENCE_ALPHABET[rng.int(0, REFERENCE_ALPHABET.length - 1)]).join('')}`;
      if (!references.has(ref)) {
        references.add(ref);
        return ref;
      }
    }
  };

  const admin = users[input.admin]!;
  const codes: DiscountCode[] = [
    { id: rng.uuid(), code: 'WELCOME10', kind: 'PERCENT', value: 10, currency: null, validFrom: anchor - 1500 * DAY, validUntil: null, active: true, usageCount: 0 },
    { id: rng.uuid(), code: 'FIRSTAID5', kind: 'FIXED', value: 500, currency: 'GBP', validFrom: null, validUntil: null, active: true, usageCount: 0 },
    { id: rng.uuid(), code: 'SPRING15', kind: 'PERCENT', value: 15, currency: null, validFrom: anchor - 300 * DAY, validUntil: anchor - 200 * DAY, active: true, usageCount: 0 },
    { id: rng.uuid(), code: 'LAUNCH20', kind: 'PERCENT', value: 20, currency: null, validFrom: null, validUntil: null, active: false, usageCount: 0 },
  ];

  /** A code that applies to a subtotal at `at`, for about one order in twelve; null otherwise. */
  const drawCode = (subtotal: number, currency: string, at: number): { code: DiscountCode; amount: number } | null => {
    if (!rng.chance(0.08)) return null;
    const usable = codes.filter(
      (c) => c.active && (c.validFrom === null || c.validFrom <= at) && (c.validUntil === null || at < c.validUntil) && (c.kind === 'PERCENT' || (c.currency === currency && subtotal > c.value)),
    );
    if (usable.length === 0) return null;
    const code = rng.pick(usable);
    return { code, amount: code.kind === 'PERCENT' ? Math.floor((subtotal * code.value) / 100) : code.value };
  };

  /**
   * About one paid order in eight has a refund, and the first three paid orders one of each kind:
   * half paid back (COMPLETED: the order PARTIALLY_REFUNDED, its items kept), asked for and
   * waiting (REQUESTED), or REJECTED. Fees follow the default policy (2.5 %, rounded half up).
   */
  let paidOrders = 0;
  const addRefund = (order: Row, user: string, total: number, currency: string, paidAt: number) => {
    const kind = paidOrders < 3 ? paidOrders : rng.chance(0.125) ? rng.int(0, 2) : -1;
    paidOrders++;
    if (kind < 0 || total <= 1) return;
    const amount = kind === 0 ? Math.floor(total / 2) : total;
    const fee = Math.min(amount, Math.floor((amount * 250 + 5_000) / 10_000));
    const requestedAt = Math.min(paidAt + rng.int(1, 72) * HOUR, anchor - HOUR);
    const decidedAt = Math.min(requestedAt + rng.int(1, 48) * HOUR, anchor - MINUTE);
    const status = kind === 0 ? 'COMPLETED' : kind === 1 ? 'REQUESTED' : 'REJECTED';
    if (status === 'COMPLETED') {
      (order as unknown[])[3] = 'PARTIALLY_REFUNDED';
      (order as unknown[])[8] = amount;
    }
    const decided = status !== 'REQUESTED';
    refunds.push([
      rng.uuid(), order[0]!, amount, fee, amount - fee, currency, status, rng.pick(REFUND_REASONS), user, decided ? admin.id : null,
      iso(requestedAt), decided ? iso(decidedAt) : null, status === 'COMPLETED' ? iso(decidedAt + MINUTE) : null,
      status === 'COMPLETED' ? `re_local_${rng.hex(24)}` : null,
    ]);
  };

  /** Writes an order with its lines, discount use and payment; returns its id and its items' ids. */
  const addOrder = (o: { user: string; status: OrderStatus; currency: string; lines: Line[]; createdAt: number; paidAt: number | null; endedAt: number | null }) => {
    const id = rng.uuid();
    const subtotal = o.lines.reduce((sum, l) => sum + l.unitMinor * l.quantity, 0);
    const discount = drawCode(subtotal, o.currency, o.createdAt);
    const total = subtotal - (discount?.amount ?? 0);
    const updatedAt = o.paidAt ?? o.endedAt ?? o.createdAt;
    orders.push([
      id, reference(), o.user, o.status, o.currency, subtotal, discount?.amount ?? 0, total, 0, discount?.code.id ?? null, discount?.code.code ?? null,
      iso(o.createdAt), iso(updatedAt), o.paidAt === null ? null : iso(o.paidAt), o.status === 'CANCELLED' && o.endedAt !== null ? iso(o.endedAt) : null,
    ]);
    const itemIds = o.lines.map((l, i) => {
      const itemId = rng.uuid();
      items.push([itemId, id, i + 1, l.kind, l.description, l.quantity, l.unitMinor, l.unitMinor * l.quantity, o.currency, l.courseId, l.sessionId, l.registrationId, l.ticketTypeId]);
      return itemId;
    });
    if (discount) {
      // An ended order gave its use back.
      const released = o.status === 'CANCELLED' || o.status === 'FAILED';
      if (!released) discount.code.usageCount++;
      redemptions.push([rng.uuid(), discount.code.id, id, o.user, discount.amount, o.currency, iso(o.createdAt), released ? iso(o.endedAt ?? o.createdAt) : null]);
    }
    const provider = () => `pay_${rng.hex(24)}`;
    if (o.status === 'PAID') {
      // A few cards were declined before one went through.
      if (rng.chance(0.03)) payments.push([rng.uuid(), id, 'FAILED', total, o.currency, 'local', provider(), 'card_declined', null, iso(o.createdAt), iso(o.createdAt), null]);
      payments.push([rng.uuid(), id, 'SUCCEEDED', total, o.currency, 'local', provider(), null, null, iso(o.createdAt), iso(o.paidAt!), iso(o.paidAt!)]);
      addRefund(orders[orders.length - 1]!, o.user, total, o.currency, o.paidAt!);
    } else if (o.status === 'FAILED') {
      payments.push([rng.uuid(), id, 'FAILED', total, o.currency, 'local', provider(), 'card_declined', null, iso(o.createdAt), iso(o.endedAt ?? o.createdAt), null]);
    }
    return { id, itemIds };
  };

  // Copies of scheduling's sessions and learning's course titles, as the consumers keep them.
  const sessionCopies: Row[] = input.sessionRows.map((r) => [r[0]!, r[1]!, r[4]!, r[5]!, r[6] === 'CANCELLED' ? 'CANCELLED' : 'SCHEDULED', r[12] ?? r[4]!]);
  const courseCopies: Row[] = courses.filter(titled).map((c) => [c.id, c.title, iso(c.updatedAt)]);
  const sessionPrice = new Map(input.priceRows.filter((r) => r[2] !== null).map((r) => [String(r[2]), Number(r[3])]));
  const sessionById = new Map(input.sessions.map((s) => [s.id, s]));

  // Seats: every seat paid for has its PAID order; some seats still held have a PENDING one;
  // some holds that lapsed had an order cancelled or a card declined.
  const holds: Row[] = [];
  for (const r of input.registrationRows) {
    const [regId, sessionId, userId, status, holdExpiresAt, , , createdAt, updatedAt] = r;
    const session = sessionById.get(String(sessionId))!;
    const course = courses[session.course]!;
    if (!course.price || course.price.amountMinor === 0) continue;
    const made = ms(createdAt!);
    const holdStatus = status === 'PENDING_PAYMENT' ? 'HELD' : status === 'CANCELLED' ? 'CANCELLED' : status === 'EXPIRED' ? 'EXPIRED' : 'CONFIRMED';
    holds.push([regId!, sessionId!, userId!, course.id, holdExpiresAt ?? iso(made + 15 * MINUTE), holdStatus, updatedAt!]);
    const line: Line = {
      kind: 'SESSION_SEAT',
      description: titled(course) ? `Seat: ${course.title}` : 'Seat',
      quantity: 1,
      unitMinor: sessionPrice.get(String(sessionId)) ?? course.price.amountMinor,
      courseId: course.id,
      sessionId: String(sessionId),
      registrationId: String(regId),
      ticketTypeId: null,
    };
    const order = { user: String(userId), currency: course.price.currency, lines: [line], createdAt: made };
    if (holdStatus === 'CONFIRMED') addOrder({ ...order, status: 'PAID', paidAt: made, endedAt: null });
    else if (holdStatus === 'HELD' && rng.chance(0.5)) addOrder({ ...order, status: 'PENDING', paidAt: null, endedAt: null });
    else if (holdStatus === 'EXPIRED' && rng.chance(0.6)) {
      addOrder({ ...order, status: rng.chance(0.5) ? 'FAILED' : 'CANCELLED', paidAt: null, endedAt: Math.min(made + 15 * MINUTE, anchor - MINUTE) });
    }
  }

  // Course access: every enrollment in a priced course was bought.
  const orderOfEnrollment = new Map<string, string>();
  for (const mine of input.enrollmentsByUser) {
    for (const e of mine) {
      const course = courses[e.course]!;
      if (!course.price || course.price.amountMinor === 0) continue;
      const user = users[e.user]!;
      const createdAt = Math.max(user.createdAt, course.publishedAt ?? course.createdAt, e.enrolledAt - rng.int(1, 10) * MINUTE);
      const { id } = addOrder({
        user: user.id,
        status: 'PAID',
        currency: course.price.currency,
        lines: [{ kind: 'COURSE_ACCESS', description: course.title, quantity: 1, unitMinor: course.price.amountMinor, courseId: course.id, sessionId: null, registrationId: null, ticketTypeId: null }],
        createdAt: Math.min(createdAt, e.enrolledAt),
        paidAt: e.enrolledAt,
        endedAt: null,
      });
      orderOfEnrollment.set(e.id, id);
    }
  }

  // Events: their copies, ticket types and the tickets bought, with attendees named at checkout
  // (or the buyer's), checked in by the organizer at events that took place.
  const eventCopies: Row[] = input.eventRows.map((r) => [r[0]!, r[1]!, r[2]!, r[7]!, r[4]!, r[5]!]);
  const ticketTypes: Row[] = [];
  const names = NAME_POOLS.british;
  // The demo learner has two tickets for an upcoming event, the demo organizer's if there is one.
  const upcomingEvents = input.eventRows.map((r, e) => [r, e] as const).filter(([r]) => r[8] !== 'CANCELLED' && ms(r[4]!) > anchor + DAY);
  const demoEvent = (upcomingEvents.find(([r]) => r[7] === users[input.demoOrganizer]!.id) ?? upcomingEvents[0])?.[1] ?? -1;
  input.eventRows.forEach((r, e) => {
    const [eventId, , eventName, , startsAtCell, , , organizerId, status, createdAtCell] = r;
    const startsAt = ms(startsAtCell!);
    const eventCreated = ms(createdAtCell!);
    const base = rng.pick([1500, 2500, 3500, 4900]);
    const kinds: [string, number, number][] = [['Standard', base, rng.pick([60, 100, 150])]];
    if (rng.chance(0.5)) kinds.unshift(['Early bird', Math.round((base * 0.8) / 100) * 100, rng.pick([20, 30])]);
    if (rng.chance(0.3)) kinds.push(['VIP', base * 3, rng.pick([10, 15])]);
    const types = kinds.map(([name, amount, quantity], k) => ({ id: rng.uuid(), name, amount, quantity, sold: 0, createdAt: eventCreated + k * MINUTE }));
    if (status !== 'CANCELLED') {
      const salesEnd = Math.min(startsAt, anchor) - HOUR;
      const buyers = rng.sample(input.learners, Math.min(input.learners.length, rng.int(3, 12)));
      if (e === demoEvent) buyers.unshift(input.demoLearner);
      for (const buyer of buyers) {
        const type = rng.pick(types);
        const quantity = buyer === input.demoLearner ? 2 : rng.weighted([[1, 6], [2, 3], [3, 1]]);
        if (type.sold + quantity > type.quantity) continue;
        const from = Math.max(eventCreated + HOUR, users[buyer]!.createdAt);
        if (salesEnd - from < HOUR && buyer !== input.demoLearner) continue;
        const createdAt = buyer === input.demoLearner ? Math.min(Math.max(from, anchor - 3 * DAY), anchor - 2 * HOUR) : from + Math.floor(rng.next() * (salesEnd - from));
        const upcoming = startsAt > anchor;
        const orderStatus: OrderStatus = buyer === input.demoLearner ? 'PAID' : upcoming ? rng.weighted<OrderStatus>([['PAID', 85], ['PENDING', 10], ['CANCELLED', 5]]) : 'PAID';
        const pendingAt = orderStatus === 'PENDING' ? Math.max(from, anchor - rng.int(5, 600) * MINUTE) : createdAt;
        const named = buyer === input.demoLearner || rng.chance(quantity > 1 ? 0.8 : 0.35);
        const { id: orderId, itemIds } = addOrder({
          user: users[buyer]!.id,
          status: orderStatus,
          currency: 'GBP',
          lines: [{ kind: 'EVENT_TICKET', description: `${eventName}: ${type.name}`, quantity, unitMinor: type.amount, courseId: null, sessionId: null, registrationId: null, ticketTypeId: type.id }],
          createdAt: pendingAt,
          paidAt: orderStatus === 'PAID' ? pendingAt + rng.int(1, 5) * MINUTE : null,
          endedAt: orderStatus === 'CANCELLED' ? Math.min(pendingAt + rng.int(5, 120) * MINUTE, anchor - MINUTE) : null,
        });
        const itemId = itemIds[0]!;
        if (orderStatus !== 'CANCELLED') type.sold += quantity;
        for (let k = 1; k <= quantity; k++) {
          let name: string | null = null;
          let email: string | null = null;
          if (named) {
            const [first, last] = [rng.pick(names.first), rng.pick(names.last)];
            name = `${first} ${last}`;
            email = `${first}.${last}@${rng.pick(['example.com', 'example.org', 'example.net'])}`.toLowerCase();
            attendees.push([itemId, k, name, email]);
          }
          if (orderStatus !== 'PAID') continue;
          const issuedAt = pendingAt + 5 * MINUTE;
          const checkedIn = !upcoming && rng.chance(0.85) ? startsAt - rng.int(0, 30) * MINUTE : null;
          tickets.push([
            rng.uuid(), orderId, itemId, k, type.id, eventId!, users[buyer]!.id, name, email, named ? null : users[buyer]!.id,
            Buffer.from(rng.hex(40), 'hex').toString('base64url'), checkedIn === null ? 'VALID' : 'CHECKED_IN', iso(Math.min(issuedAt, anchor - MINUTE)),
            checkedIn === null ? null : iso(checkedIn), checkedIn === null ? null : organizerId!, null,
          ]);
        }
      }
    }
    for (const t of types) ticketTypes.push([t.id, eventId!, t.name, t.amount, 'GBP', t.quantity, t.sold, iso(t.createdAt)]);
  });

  const codeRows: Row[] = codes.map((c) => [
    c.id, c.code, c.kind, c.value, c.currency, c.validFrom === null ? null : iso(c.validFrom), c.validUntil === null ? null : iso(c.validUntil),
    null, c.usageCount, c.active, admin.id, iso(anchor - 1500 * DAY),
  ]);

  const table = (name: TableRows['table'], rows: Row[]): TableRows => ({ table: name, total: rows.length, rows });
  return {
    orderOfEnrollment,
    tables: [
      table('commerce.sessions', sessionCopies),
      table('commerce.seat_holds', holds),
      table('commerce.events', eventCopies),
      table('commerce.courses', courseCopies),
      table('commerce.ticket_types', ticketTypes),
      table('commerce.discount_codes', codeRows),
      table('commerce.orders', orders),
      table('commerce.order_items', items),
      table('commerce.order_item_attendees', attendees),
      table('commerce.discount_redemptions', redemptions),
      table('commerce.payments', payments),
      table('commerce.refunds', refunds),
      table('commerce.tickets', tickets),
    ],
  };
}
