// Event tickets: issued when their order is paid, cancelled when it is cancelled or refunded,
// checked in once at the door. (Ticket types, what is for sale, are in ticket.service.ts.)
import {
  badUserInput,
  conflict,
  forbidden,
  forwardPage,
  hasRole,
  isSelfOrRole,
  isTimestampCursor,
  notFound,
  requireViewer,
  toConnection,
  type Connection,
  type TimestampCursor,
} from '@academy/service-kit';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { toString as renderQrCode } from 'qrcode';
import type { CommerceContext } from '../context.js';
import type { CommerceDatabase, EventReference, Order, Ticket, TicketType } from '../db/database.js';
import type { EventTicketsArgs, MutationCheckInTicketArgs } from '../generated/graphql.js';
import { findItemsOfOrders, findOrdersByIds } from '../repositories/order.repository.js';
import {
  cancelTickets,
  findAttendeesOfItems,
  findTicketPageOfEvent,
  findTicketsOfOrders,
  findTicketTypesByIds,
  insertTicketsIfAbsent,
  lockTicketByCode,
  markTicketCheckedIn,
  releaseTickets,
} from '../repositories/ticket.repository.js';

/** A new check-in code: 160 random bits, base64url (27 characters). */
export const newTicketCode = (): string => randomBytes(20).toString('base64url');

/** Longest code checkInTicket looks up; anything longer is no code of ours. */
const MAX_CODE_LENGTH = 100;

/**
 * Issues the tickets of a paid order, in `trx`, the transaction that marks it PAID: one per
 * ticket of each EVENT_TICKET item, for the attendee named at checkout or else the buyer, each
 * with its own code. Issuing twice issues nothing more (unique per item and position). Returns
 * all the order's tickets. CONFLICT when the order is not PAID.
 */
export async function issueTicketsForPaidOrder(trx: Kysely<CommerceDatabase>, orderId: string): Promise<Ticket[]> {
  const [order] = await findOrdersByIds(trx, [orderId]);
  if (!order) throw notFound('No such order.');
  if (order.status !== 'PAID') throw conflict(`Order ${order.reference} is ${order.status}: tickets are issued for a paid order.`);
  const items = (await findItemsOfOrders(trx, [orderId])).filter((item) => item.kind === 'EVENT_TICKET' && item.ticket_type_id);
  if (items.length === 0) return [];
  const types = new Map((await findTicketTypesByIds(trx, items.map((i) => i.ticket_type_id!))).map((t) => [t.id, t]));
  const attendees = await findAttendeesOfItems(trx, items.map((i) => i.id));
  const at = order.paid_at ?? new Date();
  await insertTicketsIfAbsent(
    trx,
    items.flatMap((item) =>
      Array.from({ length: item.quantity }, (_, k) => {
        const named = attendees.find((a) => a.order_item_id === item.id && a.position === k + 1);
        return {
          order_id: order.id,
          order_item_id: item.id,
          position: k + 1,
          ticket_type_id: item.ticket_type_id!,
          event_id: types.get(item.ticket_type_id!)!.event_id,
          buyer_id: order.user_id,
          attendee_name: named?.name ?? null,
          attendee_email: named?.email ?? null,
          attendee_user_id: named ? null : order.user_id,
          code: newTicketCode(),
          issued_at: at,
        };
      }),
    ),
  );
  return findTicketsOfOrders(trx, [orderId]);
}

/**
 * Cancels the tickets of an order that is cancelled or refunded, in the caller's transaction
 * (only those of `orderItemIds` for a partial refund), and gives them back to their ticket
 * types (`sold` goes down by the tickets cancelled now). Cancelling again changes nothing.
 * An unpaid order has no tickets: its ticket types are released by the order's cancellation.
 * Returns the tickets cancelled by this call.
 */
export async function cancelTicketsOfOrder(
  trx: Kysely<CommerceDatabase>,
  orderId: string,
  options: { orderItemIds?: readonly string[]; at?: Date } = {},
): Promise<Ticket[]> {
  const cancelled = await cancelTickets(trx, orderId, options.orderItemIds ?? null, options.at ?? new Date());
  const perType = new Map<string, number>();
  for (const ticket of cancelled) perType.set(ticket.ticket_type_id, (perType.get(ticket.ticket_type_id) ?? 0) + 1);
  // In id order, as checkout takes them, so concurrent changes never wait on each other in a cycle.
  for (const [typeId, count] of [...perType].sort(([a], [b]) => a.localeCompare(b))) await releaseTickets(trx, typeId, count);
  return cancelled;
}

/**
 * The event's organizer (by commerce's copy of the event) or ADMIN checks a ticket in: under the
 * ticket's row lock a VALID ticket becomes CHECKED_IN, and a ticket checked in already is
 * returned as it is, so a second scan answers the same ticket. Unknown code NOT_FOUND; anybody
 * else FORBIDDEN; a cancelled ticket CONFLICT.
 */
export async function checkInTicket(ctx: CommerceContext, args: MutationCheckInTicketArgs): Promise<Ticket> {
  const viewer = requireViewer(ctx);
  const code = args.code.trim();
  if (code.length === 0 || code.length > MAX_CODE_LENGTH) throw badUserInput(`"code" must be 1 to ${MAX_CODE_LENGTH} characters.`, 'code');
  return ctx.db.transaction().execute(async (trx) => {
    const found = await lockTicketByCode(trx, code);
    if (!found) throw notFound('No ticket has this code.');
    const { organizer_id: organizerId, ...ticket } = found;
    if (organizerId !== viewer.userId && !hasRole(ctx, 'ADMIN')) throw forbidden("Only the event's organizer or ADMIN checks its tickets in.");
    if (ticket.status === 'CHECKED_IN') return ticket;
    if (ticket.status === 'CANCELLED') throw conflict('This ticket was cancelled: it admits nobody.');
    const checkedIn = await markTicketCheckedIn(trx, ticket.id, viewer.userId, new Date());
    if (!checkedIn) throw conflict('This ticket changed meanwhile: scan it again.');
    return checkedIn;
  });
}

/** An order's tickets (the order is shown only to its customer and ADMIN). */
export const ticketsOfOrder = (ctx: CommerceContext, order: Order): Promise<Ticket[]> => ctx.loaders.ticketsByOrder.load(order.id);

/** The ticket's type (a ticket's type is never deleted: the foreign key restricts it). */
export async function ticketTypeOfTicket(ctx: CommerceContext, ticket: Ticket): Promise<TicketType> {
  const type = await ctx.loaders.ticketTypeById.load(ticket.ticket_type_id);
  if (!type) throw notFound('No such ticket type.');
  return type;
}

/** The ticket's check-in code, to its buyer only. */
export const ticketCode = (ctx: CommerceContext, ticket: Ticket): string | null => (ctx.viewer?.userId === ticket.buyer_id ? ticket.code : null);

/** The ticket's code as an SVG QR code (error correction M), to its buyer only; rendered on request. */
export async function ticketQrSvg(ctx: CommerceContext, ticket: Ticket): Promise<string | null> {
  const code = ticketCode(ctx, ticket);
  return code === null ? null : renderQrCode(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** How many tickets live orders hold for an event, over its ticket types. */
export async function ticketsSoldOfEvent(ctx: CommerceContext, event: EventReference): Promise<number> {
  const types = await ctx.loaders.ticketTypesByEvent.load(event.id);
  return types.reduce((sum, t) => sum + t.sold, 0);
}

/** An event's issued tickets, oldest first, to its organizer and ADMIN; anybody else gets an empty connection. */
export async function ticketsOfEvent(ctx: CommerceContext, event: EventReference, args: EventTicketsArgs): Promise<Connection<Ticket>> {
  const page = forwardPage<TimestampCursor>(args, isTimestampCursor);
  const copy = ctx.viewer ? await ctx.loaders.eventById.load(event.id) : null;
  if (!copy || !isSelfOrRole(ctx, copy.organizer_id, 'ADMIN')) {
    return toConnection({ rows: [] as Ticket[], limit: page.limit, totalCount: 0, hasPreviousPage: false, cursorOf: () => null, nodeOf: (t: Ticket) => t });
  }
  const result = await findTicketPageOfEvent(ctx.db, { eventId: event.id, limit: page.limit, after: page.after });
  return toConnection({
    rows: result.rows,
    limit: page.limit,
    totalCount: result.totalCount,
    hasPreviousPage: result.hasPreviousPage,
    cursorOf: (row): TimestampCursor => [row.cursor_key, row.id],
    nodeOf: ({ cursor_key: _cursor, ...ticket }) => ticket,
  });
}
