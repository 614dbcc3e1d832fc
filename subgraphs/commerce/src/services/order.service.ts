import {
  conflict,
  forwardPage,
  hasRole,
  isSelfOrRole,
  isTimestampCursor,
  notFound,
  parseId,
  requireRole,
  requireViewer,
  toConnection,
  type Connection,
  type TimestampCursor,
} from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceContext } from '../context.js';
import type { CommerceDatabase, Order, OrderItem, RegistrationReference, UserReference } from '../db/database.js';
import { publishOrderCancelled, type OrderCancelReason, type OrderEventItem } from '../events/published.js';
import type { MutationCancelOrderArgs, QueryOrderArgs, QueryOrdersArgs, UserOrdersArgs } from '../generated/graphql.js';
import { releaseRedemption } from '../repositories/discount.repository.js';
import { findItemsOfOrders, findOrderPage, lockOrder } from '../repositories/order.repository.js';
import { findPaymentsOfOrders } from '../repositories/payment.repository.js';
import { releaseTickets } from '../repositories/ticket.repository.js';
import { changeOrderStatus } from './order-status.js';

/** Whether the viewer may see the order: its customer or ADMIN. */
const maySee = (ctx: CommerceContext, order: Order) => isSelfOrRole(ctx, order.user_id, 'ADMIN');

/** One order, to its customer and ADMIN; null for anyone else or when there is none. */
export async function orderById(ctx: CommerceContext, args: QueryOrderArgs): Promise<Order | null> {
  requireViewer(ctx);
  const order = await ctx.loaders.orderById.load(parseId(args.id));
  return order && maySee(ctx, order) ? order : null;
}

/** The order an item belongs to, as the order events describe it. */
export const eventItemOf = (item: OrderItem): OrderEventItem => ({
  orderItemId: item.id,
  kind: item.kind,
  quantity: item.quantity,
  courseId: item.kind === 'EVENT_TICKET' ? null : item.course_id,
  sessionId: item.session_id,
  registrationId: item.registration_id,
  ticketTypeId: item.ticket_type_id,
});

/** The items of an order, in the order given at checkout. */
export const itemsOfOrder = (ctx: CommerceContext, order: Order): Promise<OrderItem[]> => ctx.loaders.itemsByOrder.load(order.id);

const emptyConnection = (limit: number): Connection<Order> =>
  toConnection({ rows: [] as Order[], limit, totalCount: 0, hasPreviousPage: false, cursorOf: () => null, nodeOf: (o: Order) => o });

async function pageOfOrders(
  ctx: CommerceContext,
  args: { first?: number | null; after?: string | null },
  filter: { status: Order['status'] | null; customerId: string | null; from: Date | null; to: Date | null },
): Promise<Connection<Order>> {
  const page = forwardPage<TimestampCursor>(args, isTimestampCursor);
  const result = await findOrderPage(ctx.db, { ...filter, limit: page.limit, after: page.after });
  const rows = result.rows.map(({ cursor_key, ...order }) => ({ cursor_key, order }));
  for (const { order } of rows.slice(0, page.limit)) ctx.loaders.orderById.prime(order.id, order);
  return toConnection({
    rows,
    limit: page.limit,
    totalCount: result.totalCount,
    hasPreviousPage: result.hasPreviousPage,
    cursorOf: (row): TimestampCursor => [row.cursor_key, row.order.id],
    nodeOf: (row) => row.order,
  });
}

/** ADMIN: orders newest first, filtered, as a Relay connection with the exact total. */
export async function listOrders(ctx: CommerceContext, args: QueryOrdersArgs): Promise<Connection<Order>> {
  requireRole(ctx, 'ADMIN');
  const f = args.filter ?? {};
  return pageOfOrders(ctx, args, {
    status: f.status ?? null,
    customerId: f.customerId == null ? null : parseId(f.customerId, 'filter.customerId'),
    from: f.from ?? null,
    to: f.to ?? null,
  });
}

/** A user's orders, newest first, to the user and ADMIN; anybody else gets an empty connection. */
export async function ordersOfUser(ctx: CommerceContext, user: UserReference, args: UserOrdersArgs): Promise<Connection<Order>> {
  if (!isSelfOrRole(ctx, user.id, 'ADMIN')) return emptyConnection(forwardPage<TimestampCursor>(args, isTimestampCursor).limit);
  return pageOfOrders(ctx, args, { status: null, customerId: user.id, from: null, to: null });
}

/** The order holding a registration's seat, to its customer and ADMIN; null otherwise. */
export async function orderOfRegistration(ctx: CommerceContext, registration: RegistrationReference): Promise<Order | null> {
  if (!ctx.viewer) return null;
  const order = await ctx.loaders.orderByRegistration.load(registration.id);
  return order && maySee(ctx, order) ? order : null;
}

/**
 * Ends a PENDING order (cancelled by its customer or ADMIN, or its payment failed or lapsed), in
 * the caller's transaction: the state machine moves it, its tickets and its discount code's use
 * go back, and OrderCancelled tells scheduling to release its seat holds.
 */
export async function endPendingOrder(
  trx: Kysely<CommerceDatabase>,
  order: Order,
  reason: OrderCancelReason,
  at = new Date(),
): Promise<Order> {
  const ended = await changeOrderStatus(trx, order, reason === 'FAILED' ? 'FAILED' : 'CANCELLED', at);
  const items = await findItemsOfOrders(trx, [order.id]);
  for (const item of items) if (item.ticket_type_id) await releaseTickets(trx, item.ticket_type_id, item.quantity);
  await releaseRedemption(trx, order.id, at);
  await publishOrderCancelled(trx, {
    orderId: order.id,
    reference: order.reference,
    userId: order.user_id,
    cancelledAt: at.toISOString(),
    reason,
    items: items.map(eventItemOf),
  });
  return ended;
}

/**
 * The customer or ADMIN cancels a PENDING order (CONFLICT in any other status, and while a
 * payment of it is still open: that payment may yet succeed).
 */
export async function cancelOrder(ctx: CommerceContext, args: MutationCancelOrderArgs): Promise<Order> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id);
  const order = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockOrder(trx, id);
    if (!found || (found.user_id !== viewer.userId && !hasRole(ctx, 'ADMIN'))) throw notFound('No such order.');
    if (found.status === 'PENDING' && (await findPaymentsOfOrders(trx, [found.id])).some((p) => p.status === 'REQUIRES_PAYMENT')) {
      throw conflict(`A payment of order ${found.reference} is in progress: it cannot be cancelled now.`);
    }
    return endPendingOrder(trx, found, 'CANCELLED');
  });
  ctx.loaders.orderById.clear(id).prime(id, order);
  return order;
}
