// The floor's writes: the benchmark's booking steps and chat message, each one SQL statement
// (so one transaction) writing the rows the API writes for it. Where the API hands part of the
// work to another subgraph by event, the floor writes that subgraph's rows in the same statement
// as a single database would: the seat hold's copy in commerce at registration; the registration
// confirmed and the copy's hold CONFIRMED when the order is paid. What the floor leaves out is
// what no answer depends on: the outbox events themselves (nobody consumes the floor's), the
// live announcement of a message to subscribers, and the payment attempt's intermediate state
// (the API writes the attempt, calls the local provider in process, then settles it; the floor
// writes the settled payment row). It answers only the requests the benchmark sends: one seat per
// checkout, tok_ok, no discount code, no special requirements.
import { createHash, randomInt } from 'node:crypto';
import type pg from 'pg';
import { formatMoney } from '../../../packages/service-kit/src/money.js';
import type { Viewer } from '../access-token.js';
import { BadInputError, iso, uuidOf } from './queries.js';

/** A write the API would refuse as CONFLICT (a full session, a seat no longer held, an order not pending). */
export class ConflictError extends Error {}

/** As scheduling's SEAT_HOLD_MINUTES default. */
const SEAT_HOLD_MINUTES = 15;
/** As commerce's booking references. */
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const newReference = () => `BK-${Array.from({ length: 6 }, () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]).join('')}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const LIVE = `('PENDING_PAYMENT', 'CONFIRMED', 'ATTENDED', 'NO_SHOW')`;

/**
 * registerForSession: a seat taken if one is free (and the viewer holds no live registration
 * there), the registration (PENDING_PAYMENT with its hold for a priced course, else CONFIRMED),
 * and for a priced one commerce's copy of the hold.
 */
const REGISTER_SQL = `
  WITH seat AS (
    UPDATE scheduling.training_sessions s SET seats_taken = s.seats_taken + 1
    WHERE s.id = $1 AND s.status IN ('SCHEDULED', 'CONFIRMED') AND s.starts_at > now() AND s.seats_taken < s.capacity
      AND NOT EXISTS (SELECT 1 FROM scheduling.registrations r WHERE r.session_id = s.id AND r.user_id = $2 AND r.status IN ${LIVE})
    RETURNING s.id, s.course_id, EXISTS (SELECT 1 FROM scheduling.course_prices p WHERE p.course_id = s.course_id AND p.amount_minor > 0) AS priced
  ), registration AS (
    INSERT INTO scheduling.registrations (session_id, user_id, status, hold_expires_at, confirmed_at, check_in_code)
    SELECT seat.id, $2, CASE WHEN seat.priced THEN 'PENDING_PAYMENT' ELSE 'CONFIRMED' END,
      CASE WHEN seat.priced THEN now() + make_interval(mins => ${SEAT_HOLD_MINUTES}) END, CASE WHEN seat.priced THEN NULL ELSE now() END, $3
    FROM seat
    RETURNING *
  ), hold AS (
    INSERT INTO commerce.seat_holds (registration_id, session_id, user_id, course_id, hold_expires_at, status)
    SELECT r.id, r.session_id, r.user_id, seat.course_id, r.hold_expires_at, 'HELD' FROM registration r, seat WHERE seat.priced
  )
  SELECT json_build_object('id', r.id, 'status', r.status,
    'holdExpiresAt', CASE WHEN r.hold_expires_at IS NULL THEN NULL ELSE ${iso('r.hold_expires_at')} END,
    'session', json_build_object('id', r.session_id)) AS registration
  FROM registration r`;

/**
 * checkout of one held seat: the viewer's HELD, unlapsed hold in no live order, priced as the
 * session (else its course), described with commerce's copy of the title; the order, its item
 * and the idempotency key naming it.
 */
const CHECKOUT_SQL = `
  WITH hold AS (
    SELECT h.* FROM commerce.seat_holds h
    WHERE h.registration_id = $1 AND h.user_id = $2 AND h.status = 'HELD' AND h.hold_expires_at > now()
      AND NOT EXISTS (SELECT 1 FROM commerce.order_items i JOIN commerce.orders o ON o.id = i.order_id
                      WHERE i.registration_id = h.registration_id AND o.status NOT IN ('CANCELLED', 'FAILED'))
    FOR UPDATE OF h
  ), price AS (
    SELECT p.amount_minor, p.currency FROM hold JOIN commerce.prices p ON p.session_id = hold.session_id OR p.course_id = hold.course_id
    WHERE p.amount_minor > 0 ORDER BY (p.session_id IS NULL) LIMIT 1
  ), placed AS (
    INSERT INTO commerce.orders (reference, user_id, currency, subtotal_minor, discount_minor, total_minor)
    SELECT $3, $2, price.currency, price.amount_minor, 0, price.amount_minor FROM price
    RETURNING *
  ), item AS (
    INSERT INTO commerce.order_items (order_id, position, kind, description, quantity, unit_price_minor, total_minor, currency, course_id, session_id, registration_id)
    SELECT placed.id, 1, 'SESSION_SEAT', coalesce('Seat: ' || (SELECT c.title FROM commerce.courses c WHERE c.id = hold.course_id), 'Seat'), 1,
      placed.subtotal_minor, placed.subtotal_minor, placed.currency, hold.course_id, hold.session_id, hold.registration_id
    FROM placed, hold
    RETURNING *
  ), claimed AS (
    INSERT INTO commerce.idempotency_keys (user_id, key, request_hash, order_id) SELECT $2, $4, $5, placed.id FROM placed
  )
  SELECT json_build_object(
    'id', placed.id, 'reference', placed.reference, 'status', placed.status,
    'total', json_build_object('amountMinor', placed.total_minor, 'currency', placed.currency),
    'items', json_build_array(json_build_object('kind', item.kind, 'description', item.description, 'quantity', item.quantity,
      'unitPrice', json_build_object('amountMinor', item.unit_price_minor, 'currency', item.currency),
      'registration', json_build_object('id', item.registration_id)))
  ) AS checkout
  FROM placed, item`;

/**
 * payOrder with tok_ok (the local provider succeeds): the viewer's PENDING order with no payment
 * under way and its seats still held becomes PAID with its succeeded payment and its invoice
 * (numbered on the year's counter); its seats are confirmed (commerce's copy and scheduling's
 * registration, as OrderPaid's consumer confirms them).
 */
const PAY_SQL = `
  WITH ordered AS (
    SELECT o.* FROM commerce.orders o
    WHERE o.id = $1 AND o.user_id = $2 AND o.status = 'PENDING'
      AND NOT EXISTS (SELECT 1 FROM commerce.payments p WHERE p.order_id = o.id AND p.status = 'REQUIRES_PAYMENT')
      AND NOT EXISTS (SELECT 1 FROM commerce.order_items i JOIN commerce.seat_holds h ON h.registration_id = i.registration_id
                      WHERE i.order_id = o.id AND (h.status <> 'HELD' OR h.hold_expires_at <= now()))
    FOR UPDATE
  ), paid AS (
    UPDATE commerce.orders o SET status = 'PAID', paid_at = now(), updated_at = now() FROM ordered WHERE o.id = ordered.id RETURNING o.*
  ), attempt AS (
    SELECT gen_random_uuid() AS id
  ), payment AS (
    INSERT INTO commerce.payments (id, order_id, amount_minor, currency, provider, provider_reference, token_fingerprint, status, succeeded_at)
    SELECT attempt.id, paid.id, paid.total_minor, paid.currency, 'local', 'pay_local_' || left(encode(sha256(attempt.id::text::bytea), 'hex'), 24), $3, 'SUCCEEDED', now()
    FROM paid, attempt
    RETURNING *
  ), counter AS (
    INSERT INTO commerce.invoice_counters AS c (year, last_number)
    SELECT extract(year FROM now() AT TIME ZONE 'UTC')::int, 1 FROM paid
    ON CONFLICT (year) DO UPDATE SET last_number = c.last_number + 1
    RETURNING c.year, c.last_number::text AS n
  ), items AS (
    SELECT i.* FROM commerce.order_items i JOIN paid ON paid.id = i.order_id
  ), invoice AS (
    INSERT INTO commerce.invoices (number, order_id, user_id, issued_at, currency, subtotal_minor, discount_minor, total_minor, lines)
    SELECT 'INV-' || counter.year || '-' || CASE WHEN length(counter.n) >= 6 THEN counter.n ELSE lpad(counter.n, 6, '0') END,
      paid.id, paid.user_id, paid.paid_at, paid.currency, paid.subtotal_minor, paid.discount_minor, paid.total_minor,
      (SELECT jsonb_agg(jsonb_build_object('description', i.description, 'quantity', i.quantity, 'unitPriceMinor', i.unit_price_minor,
                                           'totalMinor', i.total_minor, 'currency', i.currency) ORDER BY i.position) FROM items i)
    FROM paid, counter
    RETURNING *
  ), holds AS (
    UPDATE commerce.seat_holds h SET status = 'CONFIRMED', updated_at = now() FROM items WHERE h.registration_id = items.registration_id AND h.status = 'HELD'
  ), seats AS (
    UPDATE scheduling.registrations r SET status = 'CONFIRMED', hold_expires_at = NULL, order_id = paid.id, confirmed_at = now(), updated_at = now()
    FROM items, paid WHERE r.id = items.registration_id AND r.status = 'PENDING_PAYMENT'
  )
  SELECT json_build_object(
    'id', paid.id, 'status', paid.status, 'paidAt', ${iso('paid.paid_at')},
    'total', json_build_object('amountMinor', paid.total_minor, 'currency', paid.currency),
    'payments', json_build_array(json_build_object('status', payment.status, 'provider', payment.provider,
      'amount', json_build_object('amountMinor', payment.amount_minor, 'currency', payment.currency))),
    'invoice', json_build_object('number', invoice.number, 'total', json_build_object('amountMinor', invoice.total_minor, 'currency', invoice.currency))
  ) AS paid_order
  FROM paid, payment, invoice`;

/** sendMessage: the room's next number (members only, not while muted), the message, and the sender's read pointer moved to it. */
const SEND_MESSAGE_SQL = `
  WITH numbered AS (
    UPDATE community.chat_rooms r SET last_sequence = r.last_sequence + 1
    WHERE r.id = $1
      AND EXISTS (SELECT 1 FROM community.chat_room_members m WHERE m.room_id = r.id AND m.user_id = $2)
      AND NOT EXISTS (SELECT 1 FROM community.chat_room_mutes mu WHERE mu.room_id = r.id AND mu.user_id = $2 AND mu.muted_until > now())
    RETURNING r.last_sequence
  ), sent AS (
    INSERT INTO community.chat_messages (room_id, sequence, sender_id, content) SELECT $1, numbered.last_sequence, $2, $3 FROM numbered RETURNING *
  ), pointer AS (
    UPDATE community.chat_room_members m SET last_read_sequence = greatest(m.last_read_sequence, numbered.last_sequence)
    FROM numbered WHERE m.room_id = $1 AND m.user_id = $2
  )
  SELECT json_build_object('id', sent.id, 'sequence', sent.sequence, 'content', sent.content, 'sentAt', ${iso('sent.sent_at')},
    'sender', (SELECT json_build_object('displayName', u.display_name) FROM identity.users u WHERE u.id = sent.sender_id)) AS message
  FROM sent`;

export async function registerForSession(pool: pg.Pool, variables: Record<string, unknown>, viewer: Viewer): Promise<unknown> {
  const sessionId = uuidOf(variables.sessionId, 'sessionId');
  const { rows } = await pool.query<{ registration: unknown }>({
    name: 'register',
    text: REGISTER_SQL,
    values: [sessionId, viewer.userId, randomBytesText()],
  });
  if (!rows[0]) throw new ConflictError('The session is full, not open for registration, or you are registered already.');
  return { registerForSession: rows[0].registration };
}

/** A check-in code as scheduling draws it: 160 random bits, base64url. */
function randomBytesText(): string {
  return Buffer.from(Array.from({ length: 20 }, () => randomInt(256))).toString('base64url');
}

export async function checkout(pool: pg.Pool, variables: Record<string, unknown>, viewer: Viewer): Promise<unknown> {
  const input = variables.input as { items?: { registrationId?: unknown }[]; idempotencyKey?: unknown; discountCode?: unknown } | undefined;
  const items = input?.items;
  if (!Array.isArray(items) || items.length !== 1 || input?.discountCode != null) throw new BadInputError('the floor checks out one held seat, without a discount code');
  const registrationId = uuidOf(items[0]?.registrationId, 'input.items.0.registrationId');
  const key = input?.idempotencyKey;
  if (typeof key !== 'string' || key.length < 8 || key.length > 100) throw new BadInputError('"input.idempotencyKey" must be 8 to 100 characters.');
  // As commerce hashes the basket for its idempotency key.
  const requestHash = sha256(JSON.stringify({ items: [['SESSION_SEAT', registrationId, 1]], code: null }));
  for (;;) {
    try {
      const { rows } = await pool.query<{ checkout: { total: { amountMinor: number; currency: string; formatted?: string } } }>({
        name: 'checkout',
        text: CHECKOUT_SQL,
        values: [registrationId, viewer.userId, newReference(), key, requestHash],
      });
      const order = rows[0]?.checkout;
      if (!order) throw new ConflictError('The seat is not held for you, or is in an order already.');
      order.total.formatted = formatMoney(order.total.amountMinor, order.total.currency);
      return { checkout: order };
    } catch (error) {
      // The (rare) reference drawn twice: draw again, as commerce does.
      if ((error as { constraint?: string }).constraint === 'orders_reference_key') continue;
      throw error;
    }
  }
}

export async function payOrder(pool: pg.Pool, variables: Record<string, unknown>, viewer: Viewer): Promise<unknown> {
  const orderId = uuidOf(variables.orderId, 'orderId');
  const { rows } = await pool.query<{ paid_order: unknown }>({ name: 'pay', text: PAY_SQL, values: [orderId, viewer.userId, sha256('tok_ok')] });
  if (!rows[0]) throw new ConflictError('The order is not yours, not pending, being paid, or its seat is no longer held.');
  return { payOrder: rows[0].paid_order };
}

export async function sendMessage(pool: pg.Pool, variables: Record<string, unknown>, viewer: Viewer): Promise<unknown> {
  const roomId = uuidOf(variables.roomId, 'roomId');
  const content = typeof variables.content === 'string' ? variables.content.trim() : '';
  if (content.length < 1 || content.length > 4000) throw new BadInputError('"content" must be 1 to 4000 characters long.');
  const { rows } = await pool.query<{ message: unknown }>({ name: 'send-message', text: SEND_MESSAGE_SQL, values: [roomId, viewer.userId, content] });
  if (!rows[0]) throw new ConflictError('Only members of the room who are not muted may send to it.');
  return { sendMessage: rows[0].message };
}
