import { badUserInput, conflict, parseId, requireViewer } from '@academy/service-kit';
import { createHash, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { waitForCopy } from '@academy/service-kit/events';
import type { CommerceContext } from '../context.js';
import type { CommerceDatabase, Order, Quote } from '../db/database.js';
import type { CheckoutInput, CheckoutItemInput, OrderItemKind, QueryQuoteArgs } from '../generated/graphql.js';
import { findCourseTitles, findEvent, findSeatHold } from '../repositories/copy.repository.js';
import { findDiscountCodeByCode, insertRedemption, takeDiscountUse } from '../repositories/discount.repository.js';
import {
  claimIdempotencyKey,
  findIdempotencyKey,
  findLiveOrderOfRegistration,
  findOrdersByIds,
  insertOrderItems,
  insertOrderUnlessReferenceTaken,
  setIdempotencyKeyOrder,
} from '../repositories/order.repository.js';
import { findCoursePrices, findSessionPrices } from '../repositories/price.repository.js';
import { findTicketTypesByIds, insertAttendees, takeTickets } from '../repositories/ticket.repository.js';
import { parseAttendees, type Attendee } from './attendee.js';
import { evaluateDiscount, normalizeCode } from './discount.service.js';
import { amountOf } from './pricing.service.js';

/** Most lines a basket may have. */
export const MAX_ORDER_LINES = 20;
/** Most tickets of one type per line. */
export const MAX_TICKETS_PER_LINE = 10;
/** The booking reference alphabet: no 0/O or 1/I, which read alike. */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A basket line as checked: what it is for and how many. */
interface BasketLine {
  kind: OrderItemKind;
  id: string;
  quantity: number;
  /** Ticket lines: who each ticket is for, when the buyer named them (else the tickets are the buyer's). */
  attendees: Attendee[] | null;
}

/** A basket line with its price and description, as the order item will hold it. */
interface PricedLine extends BasketLine {
  unitMinor: number;
  currency: string;
  description: string;
  courseId: string | null;
  sessionId: string | null;
}

/**
 * Checks a basket: 1–20 lines, each exactly one of registrationId, courseId, ticketTypeId, no
 * line twice; attendees only on ticket lines, one per ticket.
 */
function checkBasket(items: readonly CheckoutItemInput[], field: string): BasketLine[] {
  if (items.length === 0 || items.length > MAX_ORDER_LINES) throw badUserInput(`"${field}" must have 1 to ${MAX_ORDER_LINES} items.`, field);
  const seen = new Set<string>();
  return items.map((item, i) => {
    const at = `${field}.${i}`;
    const given = [item.registrationId, item.courseId, item.ticketTypeId].filter((v) => v != null);
    if (given.length !== 1) throw badUserInput(`"${at}" must name exactly one of registrationId, courseId, ticketTypeId.`, at);
    const quantity = item.quantity ?? 1;
    let line: BasketLine;
    if (item.ticketTypeId != null) {
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_TICKETS_PER_LINE) {
        throw badUserInput(`"${at}.quantity" must be 1 to ${MAX_TICKETS_PER_LINE} tickets.`, `${at}.quantity`);
      }
      const attendees = item.attendees == null ? null : parseAttendees(item.attendees, quantity, `${at}.attendees`);
      line = { kind: 'EVENT_TICKET', id: parseId(item.ticketTypeId, `${at}.ticketTypeId`), quantity, attendees };
    } else {
      if (item.attendees != null) throw badUserInput(`"${at}.attendees" is for ticket lines only.`, `${at}.attendees`);
      if (quantity !== 1) throw badUserInput(`"${at}.quantity" must be 1 for a seat or a course.`, `${at}.quantity`);
      line =
        item.registrationId != null
          ? { kind: 'SESSION_SEAT', id: parseId(item.registrationId, `${at}.registrationId`), quantity, attendees: null }
          : { kind: 'COURSE_ACCESS', id: parseId(item.courseId!, `${at}.courseId`), quantity, attendees: null };
    }
    if (seen.has(line.id)) throw badUserInput(`"${at}" repeats an item of the basket.`, at);
    seen.add(line.id);
    return line;
  });
}

const itemField = (kind: OrderItemKind) => (kind === 'SESSION_SEAT' ? 'registrationId' : kind === 'COURSE_ACCESS' ? 'courseId' : 'ticketTypeId');

/**
 * Prices a basket from commerce's own tables: a seat is the viewer's hold in commerce's copy
 * (HELD and not lapsed) at its session's price, else its course's; a course needs a price (a
 * free one is enrolled in, not bought); a ticket type its own price. One currency per basket.
 * With `lock`, each hold is locked for the rest of the transaction.
 */
async function priceBasket(db: Kysely<CommerceDatabase>, viewerId: string | null, lines: BasketLine[], field: string, lock: boolean): Promise<PricedLine[]> {
  const priced: PricedLine[] = [];
  const courseIds = new Set<string>();
  for (const [i, line] of lines.entries()) {
    const at = `${field}.${i}.${itemField(line.kind)}`;
    if (line.kind === 'SESSION_SEAT') {
      const hold = viewerId ? await findSeatHold(db, line.id, lock) : undefined;
      if (!hold || hold.user_id !== viewerId) throw badUserInput(`"${at}" names no seat held for you.`, at);
      if (hold.status !== 'HELD' || hold.hold_expires_at.getTime() <= Date.now()) {
        throw conflict(`The seat of registration ${line.id} is no longer held (${hold.status === 'HELD' ? 'the hold lapsed' : hold.status.toLowerCase()}): register again.`);
      }
      const [price] = await findSessionPrices(db, [{ sessionId: hold.session_id, courseId: hold.course_id }]);
      if (!price || price.amount_minor === 0) throw badUserInput(`"${at}": the session is free; nothing to pay.`, at);
      courseIds.add(hold.course_id);
      priced.push({ ...line, unitMinor: price.amount_minor, currency: price.currency, description: 'Seat', courseId: hold.course_id, sessionId: hold.session_id });
    } else if (line.kind === 'COURSE_ACCESS') {
      const [price] = await findCoursePrices(db, [line.id]);
      if (!price || price.amount_minor === 0) throw badUserInput(`"${at}": the course is free (or unknown); enroll instead.`, at);
      courseIds.add(line.id);
      priced.push({ ...line, unitMinor: price.amount_minor, currency: price.currency, description: 'Course access', courseId: line.id, sessionId: null });
    } else {
      const [ticketType] = await findTicketTypesByIds(db, [line.id]);
      if (!ticketType) throw badUserInput(`"${at}" names no ticket type.`, at);
      const event = await findEvent(db, ticketType.event_id);
      priced.push({
        ...line,
        unitMinor: ticketType.amount_minor,
        currency: ticketType.currency,
        description: event ? `${event.name}: ${ticketType.name}` : ticketType.name,
        courseId: null,
        sessionId: null,
      });
    }
  }
  // Descriptions name the course where commerce's copy of the catalogue knows its title.
  const titles = new Map((await findCourseTitles(db, [...courseIds])).map((c) => [c.id, c.title]));
  for (const line of priced) {
    const title = line.courseId ? titles.get(line.courseId) : undefined;
    if (title) line.description = line.kind === 'SESSION_SEAT' ? `Seat: ${title}` : title;
  }
  const currencies = new Set(priced.map((l) => l.currency));
  if (currencies.size > 1) throw badUserInput(`"${field}" mixes currencies (${[...currencies].join(', ')}): one currency per order.`, field);
  return priced;
}

const subtotalOf = (lines: PricedLine[]) => lines.reduce((sum, l) => sum + l.unitMinor * l.quantity, 0);

/**
 * What a basket would cost and whether the code applies (registration lines: the viewer's own
 * holds). A code that does not apply is explained in `discountError`, not refused.
 */
export async function quote(ctx: CommerceContext, args: QueryQuoteArgs): Promise<Quote> {
  const lines = checkBasket(args.items, 'items');
  const viewerId = ctx.viewer?.userId ?? null;
  const priced = await priceBasket(ctx.db, viewerId, lines, 'items', false);
  const currency = priced[0]!.currency;
  const subtotal = subtotalOf(priced);
  let discount = 0;
  let discountCode: string | null = null;
  let discountError: string | null = null;
  if (args.discountCode != null && args.discountCode.trim() !== '') {
    const code = normalizeCode(args.discountCode);
    const outcome = evaluateDiscount(await findDiscountCodeByCode(ctx.db, code), subtotal, currency, new Date());
    if (outcome.applies) {
      discount = outcome.amountMinor;
      discountCode = code;
    } else {
      discountError = outcome.message;
    }
  }
  return {
    subtotal: amountOf(subtotal, currency),
    discount: amountOf(discount, currency),
    total: amountOf(subtotal - discount, currency),
    discountCode,
    discountError,
  };
}

/** A new booking reference: BK- and six characters of REFERENCE_ALPHABET (32^6 ≈ 10^9 of them). */
export const newReference = (): string =>
  `BK-${Array.from({ length: 6 }, () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]).join('')}`;

/**
 * The request as the idempotency key remembers it: a hash of the normalized basket (attendees
 * only where named, so a basket without them hashes as before they existed) and code.
 */
const requestHashOf = (lines: BasketLine[], code: string | null): string =>
  createHash('sha256')
    .update(JSON.stringify({ items: lines.map((l) => (l.attendees ? [l.kind, l.id, l.quantity, l.attendees.map((a) => [a.name, a.email])] : [l.kind, l.id, l.quantity])), code }))
    .digest('hex');

/** Waits (up to COPY_WAIT_MS) until commerce's copy has each seat hold of the basket. */
async function waitForHoldCopies(db: Kysely<CommerceDatabase>, registrationIds: string[]): Promise<void> {
  let missing = registrationIds;
  await waitForCopy(
    async () => {
      const found = await Promise.all(missing.map((id) => findSeatHold(db, id)));
      missing = missing.filter((_, i) => !found[i]);
      return missing.length;
    },
    (left) => left === 0,
  );
}

/**
 * Turns the viewer's basket into a PENDING order, in one transaction:
 * - the idempotency key (per user) is claimed first, so concurrent calls with one key queue on
 *   its primary key; the later ones then answer the first one's order (same payload) or CONFLICT
 *   (another payload), and a retry after a commit answers the same order;
 * - tickets are taken with a guarded UPDATE (`sold + q <= quantity`), never oversold;
 * - a seat must be the viewer's HELD hold in commerce's copy, locked, and in no other live order;
 * - the discount code's use is counted with a guarded UPDATE (`usage_count < usage_limit`), so a
 *   limit is never exceeded, and a redemption row records it for the order;
 * - the reference is drawn again on the (rare) collision.
 * Holds arrive by event: a registration made a moment ago may not be in commerce's copy yet, so
 * checkout first waits up to COPY_WAIT_MS for it before refusing.
 */
export async function checkout(ctx: CommerceContext, input: CheckoutInput): Promise<Order> {
  const viewer = requireViewer(ctx);
  const key = input.idempotencyKey;
  if (key.length < 8 || key.length > 100) throw badUserInput('"input.idempotencyKey" must be 8 to 100 characters.', 'input.idempotencyKey');
  const lines = checkBasket(input.items, 'input.items');
  const code = input.discountCode == null || input.discountCode.trim() === '' ? null : normalizeCode(input.discountCode);
  const requestHash = requestHashOf(lines, code);

  const answerRecorded = async (recorded: { request_hash: string; order_id: string | null }): Promise<Order> => {
    if (recorded.request_hash !== requestHash) throw conflict('This idempotency key was used for a different checkout.');
    const [order] = await findOrdersByIds(ctx.db, [recorded.order_id!]);
    return order!;
  };
  const recorded = await findIdempotencyKey(ctx.db, viewer.userId, key);
  if (recorded) return answerRecorded(recorded);

  await waitForHoldCopies(ctx.db, lines.filter((l) => l.kind === 'SESSION_SEAT').map((l) => l.id));

  for (;;) {
    const order = await ctx.db.transaction().execute(async (trx) => {
      if (!(await claimIdempotencyKey(trx, { userId: viewer.userId, key, requestHash }))) return null;
      const priced = await priceBasket(trx, viewer.userId, lines, 'input.items', true);
      const currency = priced[0]!.currency;
      const subtotal = subtotalOf(priced);
      const at = new Date();

      for (const line of priced) {
        if (line.kind === 'SESSION_SEAT') {
          const live = await findLiveOrderOfRegistration(trx, line.id);
          if (live) throw conflict(`The seat of registration ${line.id} is in order ${live.reference} already.`);
        }
      }
      // Ticket rows are taken in id order, so concurrent baskets never wait on each other in a cycle.
      for (const line of [...priced].filter((l) => l.kind === 'EVENT_TICKET').sort((a, b) => a.id.localeCompare(b.id))) {
        if (!(await takeTickets(trx, line.id, line.quantity))) throw conflict(`Not enough tickets left of ticket type ${line.id}.`);
      }

      let discount = 0;
      let codeId: string | null = null;
      if (code) {
        const found = await findDiscountCodeByCode(trx, code);
        const outcome = evaluateDiscount(found, subtotal, currency, at);
        if (!outcome.applies) {
          if (outcome.reason === 'USED_UP') throw conflict('The discount code is used up.');
          throw badUserInput(outcome.message, 'input.discountCode');
        }
        if (!(await takeDiscountUse(trx, found!.id, at))) throw conflict('The discount code is used up.');
        discount = outcome.amountMinor;
        codeId = found!.id;
      }

      let order: Order | undefined;
      while (!order) {
        order = await insertOrderUnlessReferenceTaken(trx, {
          reference: newReference(),
          user_id: viewer.userId,
          currency,
          subtotal_minor: subtotal,
          discount_minor: discount,
          total_minor: subtotal - discount,
          discount_code_id: codeId,
          discount_code: codeId ? code : null,
          created_at: at,
          updated_at: at,
        });
      }
      const items = await insertOrderItems(
        trx,
        priced.map((l, i) => ({
          order_id: order.id,
          position: i + 1,
          kind: l.kind,
          description: l.description,
          quantity: l.quantity,
          unit_price_minor: l.unitMinor,
          total_minor: l.unitMinor * l.quantity,
          currency: l.currency,
          course_id: l.courseId,
          session_id: l.sessionId,
          registration_id: l.kind === 'SESSION_SEAT' ? l.id : null,
          ticket_type_id: l.kind === 'EVENT_TICKET' ? l.id : null,
        })),
      );
      // Who each ticket is for: the tickets themselves are issued once the order is paid.
      await insertAttendees(
        trx,
        priced.flatMap((l, i) => {
          const item = items.find((it) => it.position === i + 1)!;
          return (l.attendees ?? []).map((a, k) => ({ order_item_id: item.id, position: k + 1, name: a.name, email: a.email }));
        }),
      );
      if (codeId) await insertRedemption(trx, { codeId, orderId: order.id, userId: viewer.userId, amountMinor: discount, currency });
      await setIdempotencyKeyOrder(trx, viewer.userId, key, order.id);
      return order;
    });
    if (order) {
      ctx.loaders.orderById.prime(order.id, order);
      return order;
    }
    // The key was claimed by a call that committed first: answer its order. (If that call
    // failed instead, its claim is gone and this one tries again.)
    const winner = await findIdempotencyKey(ctx.db, viewer.userId, key);
    if (winner) return answerRecorded(winner);
  }
}
