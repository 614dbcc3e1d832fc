// The order state machine, in one place: every status change of an order goes through
// `changeOrderStatus`, which refuses what the machine does not allow.
import { conflict } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceDatabase, Order } from '../db/database.js';
import type { OrderStatus } from '../generated/graphql.js';
import { moveOrderStatus } from '../repositories/order.repository.js';

/** The statuses each status may move to. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['PAID', 'FAILED', 'CANCELLED'],
  PAID: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  FAILED: [],
  CANCELLED: [],
  REFUNDED: [],
};

/** Whether an order may move from `from` to `to`. */
export const canMoveOrder = (from: OrderStatus, to: OrderStatus): boolean => ORDER_TRANSITIONS[from].includes(to);

/** The statuses from which an order may reach `to`. */
const sourcesOf = (to: OrderStatus): OrderStatus[] =>
  (Object.keys(ORDER_TRANSITIONS) as OrderStatus[]).filter((from) => ORDER_TRANSITIONS[from].includes(to));

/**
 * Moves an order to `to`, in the caller's transaction: CONFLICT when the machine does not allow
 * it from the order's status, or when a concurrent change moved the order first (the UPDATE is
 * guarded by the allowed source statuses, so of two racing changes exactly one applies).
 */
export async function changeOrderStatus(trx: Kysely<CommerceDatabase>, order: Order, to: OrderStatus, at = new Date()): Promise<Order> {
  if (!canMoveOrder(order.status, to)) throw conflict(`Order ${order.reference} is ${order.status}: it cannot become ${to}.`);
  const moved = await moveOrderStatus(trx, order.id, sourcesOf(to), to, at);
  if (!moved) throw conflict(`Order ${order.reference} changed meanwhile: it cannot become ${to}.`);
  return moved;
}
