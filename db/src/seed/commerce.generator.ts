import type { Row } from './bulk-insert.js';
import { HOUR, MINUTE, iso, type CourseEntity, type SessionEntity, type TableRows } from './model.js';
import type { Prng } from './prng.js';

/** The letters of a booking reference (no 0, 1, I, O). */
const REFERENCE_LETTERS = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** The demo policy's fee, as commerce's default refund settings compute it: 2.5 % rounded half up. */
const feeOf = (amountMinor: number) => Math.min(amountMinor, Math.floor((amountMinor * 250 + 5_000) / 10_000));

const REASONS = [
  'Cannot make the date any more.',
  'Booked the wrong session by mistake.',
  'The course was cancelled by my employer.',
  'Illness in the family.',
  'Moved to a different team.',
];

/**
 * Commerce's orders behind the paid seats: every seat held by a CONFIRMED or ATTENDED (or
 * NO_SHOW) registration of a priced course was bought by a PAID order with one SESSION_SEAT item
 * and a SUCCEEDED payment (local provider). About one order in eight has a refund: paid back in
 * part (COMPLETED, the order PARTIALLY_REFUNDED, the seat kept), asked for and waiting
 * (REQUESTED, asked within three days of payment), or REJECTED; the first three orders have one of each, so every
 * scale shows them. Fees follow the default policy (2.5 %, rounded half up).
 */
export function generateOrders(
  rng: Prng,
  anchor: number,
  courses: readonly CourseEntity[],
  sessions: readonly SessionEntity[],
  registrationRows: readonly Row[],
  admin: string,
): TableRows[] {
  const sessionById = new Map(sessions.map((s) => [s.id, s]));
  const orders: Row[] = [];
  const items: Row[] = [];
  const payments: Row[] = [];
  const refunds: Row[] = [];
  const references = new Set<string>();
  const reference = () => {
    for (;;) {
      const drawn = `BK-${Array.from({ length: 6 }, () => rng.pick([...REFERENCE_LETTERS])).join('')}`;
      if (!references.has(drawn)) {
        references.add(drawn);
        return drawn;
      }
    }
  };

  for (const registration of registrationRows) {
    const [registrationId, sessionId, userId, status, , , , createdAt] = registration as [string, string, string, string, unknown, unknown, unknown, string];
    if (!['CONFIRMED', 'ATTENDED', 'NO_SHOW'].includes(status)) continue;
    const session = sessionById.get(sessionId);
    const course = session ? courses[session.course] : undefined;
    const price = course?.price;
    if (!session || !course || !price || price.amountMinor <= 0) continue;
    const orderId = rng.uuid();
    const created = Date.parse(createdAt);
    const paidAt = created + rng.int(1, 10) * MINUTE;
    const amount = price.amountMinor;
    const kind = orders.length < 3 ? orders.length : rng.chance(0.125) ? rng.int(0, 2) : -1;
    let orderStatus = 'PAID';
    let refunded = 0;
    if (kind >= 0) {
      const asked = kind === 0 ? Math.floor(amount / 2) : amount;
      const fee = feeOf(asked);
      const requestedAt = Math.min(paidAt + rng.int(1, 72) * HOUR, anchor - HOUR);
      const decidedAt = Math.min(requestedAt + rng.int(1, 48) * HOUR, anchor - MINUTE);
      const refundStatus = kind === 0 ? 'COMPLETED' : kind === 1 ? 'REQUESTED' : 'REJECTED';
      if (refundStatus === 'COMPLETED') {
        orderStatus = 'PARTIALLY_REFUNDED';
        refunded = asked;
      }
      refunds.push([
        rng.uuid(), orderId, asked, fee, asked - fee, price.currency, refundStatus, rng.pick(REASONS), userId,
        refundStatus === 'REQUESTED' ? null : admin, iso(requestedAt), refundStatus === 'REQUESTED' ? null : iso(decidedAt),
        refundStatus === 'COMPLETED' ? iso(decidedAt + MINUTE) : null,
        refundStatus === 'COMPLETED' ? `re_local_${rng.hex(24)}` : null,
      ]);
    }
    orders.push([orderId, reference(), userId, orderStatus, price.currency, amount, 0, amount, refunded, iso(created), iso(paidAt), iso(paidAt)]);
    items.push([rng.uuid(), orderId, 1, 'SESSION_SEAT', `Seat: ${course.title}`, 1, amount, amount, price.currency, course.id, session.id, registrationId]);
    payments.push([rng.uuid(), orderId, 'SUCCEEDED', amount, price.currency, 'local', `pay_local_${rng.hex(24)}`, iso(created), iso(paidAt), iso(paidAt)]);
  }

  return [
    { table: 'commerce.orders', total: orders.length, rows: orders },
    { table: 'commerce.order_items', total: items.length, rows: items },
    { table: 'commerce.payments', total: payments.length, rows: payments },
    { table: 'commerce.refunds', total: refunds.length, rows: refunds },
  ];
}
