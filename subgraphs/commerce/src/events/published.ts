// The domain events commerce publishes through its outbox (commerce.outbox, read by the other
// subgraphs' roles through commerce_events.read_outbox). Other domains act on them: learning
// grants or ends course access, scheduling confirms or releases seats. Payloads carry ids,
// kinds and times, never card or payment details.
import { appendEvent } from '@academy/service-kit/events';
import type { Kysely, Transaction } from 'kysely';
import type { CommerceDatabase } from '../db/database.js';

/** The schema whose outbox commerce's events go to. */
export const COMMERCE_EVENT_SOURCE = 'commerce';

/** What an order item is for. */
export type OrderEventItemKind = 'SESSION_SEAT' | 'COURSE_ACCESS' | 'EVENT_TICKET';

/** One item of an order as the order events describe it. */
export interface OrderEventItem {
  orderItemId: string;
  kind: OrderEventItemKind;
  quantity: number;
  /** Set for COURSE_ACCESS. */
  courseId: string | null;
  /** Set for SESSION_SEAT. */
  sessionId: string | null;
  /** Set for SESSION_SEAT: the held registration the seat belongs to. */
  registrationId: string | null;
  /** Set for EVENT_TICKET. */
  ticketTypeId: string | null;
}

/** The payload of `CoursePriceSet` (aggregate: the course): what the course costs from now on. */
export interface CoursePriceSetPayload {
  courseId: string;
  /** null = the course is free. */
  price: { amountMinor: number; currency: string } | null;
  /** ISO 8601 timestamp. */
  setAt: string;
}

/** The payload of `OrderPaid` (aggregate: the order): its items are now the customer's. */
export interface OrderPaidPayload {
  orderId: string;
  reference: string;
  userId: string;
  /** ISO 8601 timestamp. */
  paidAt: string;
  items: OrderEventItem[];
}

/** The payload of `OrderRefunded` (aggregate: the order): the items whose access or seats end. */
export interface OrderRefundedPayload {
  orderId: string;
  reference: string;
  userId: string;
  refundId: string;
  /** ISO 8601 timestamp. */
  refundedAt: string;
  /** Whether the whole order is refunded. */
  full: boolean;
  items: OrderEventItem[];
}

/** Why an unpaid order ended. */
export type OrderCancelReason = 'CANCELLED' | 'FAILED' | 'EXPIRED';

/** The payload of `OrderCancelled` (aggregate: the order): an unpaid order ended; what it held is released. */
export interface OrderCancelledPayload {
  orderId: string;
  reference: string;
  userId: string;
  /** ISO 8601 timestamp. */
  cancelledAt: string;
  reason: OrderCancelReason;
  items: OrderEventItem[];
}

type Db = Kysely<CommerceDatabase> | Transaction<CommerceDatabase>;

/** Publishes `CoursePriceSet` in `trx`, the transaction that sets the price. Returns the event id. */
export function publishCoursePriceSet(trx: Db, payload: CoursePriceSetPayload): Promise<string> {
  return appendEvent(trx, COMMERCE_EVENT_SOURCE, { type: 'CoursePriceSet', aggregateId: payload.courseId, payload });
}

/** Publishes `OrderPaid` in `trx`, the transaction that marks the order paid. Returns the event id. */
export function publishOrderPaid(trx: Db, payload: OrderPaidPayload): Promise<string> {
  return appendEvent(trx, COMMERCE_EVENT_SOURCE, { type: 'OrderPaid', aggregateId: payload.orderId, payload });
}

/** Publishes `OrderRefunded` in `trx`, the transaction that records the refund. Returns the event id. */
export function publishOrderRefunded(trx: Db, payload: OrderRefundedPayload): Promise<string> {
  return appendEvent(trx, COMMERCE_EVENT_SOURCE, { type: 'OrderRefunded', aggregateId: payload.orderId, payload });
}

/** Publishes `OrderCancelled` in `trx`, the transaction that ends the order. Returns the event id. */
export function publishOrderCancelled(trx: Db, payload: OrderCancelledPayload): Promise<string> {
  return appendEvent(trx, COMMERCE_EVENT_SOURCE, { type: 'OrderCancelled', aggregateId: payload.orderId, payload });
}

/** Money in an event payload. */
export interface EventAmount {
  amountMinor: number;
  currency: string;
}

/** The payload of `RefundDecided` (aggregate: the refund): a refund was approved (by ADMIN, or automatically) or rejected. */
export interface RefundDecidedPayload {
  refundId: string;
  orderId: string;
  reference: string;
  userId: string;
  approved: boolean;
  /** What comes off the order. */
  amount: EventAmount;
  /** The processing fee kept. */
  fee: EventAmount;
  /** What goes back to the customer. */
  net: EventAmount;
  /** ISO 8601 timestamp. */
  decidedAt: string;
}

/** Publishes `RefundDecided` in `trx`, the transaction that records the decision. Returns the event id. */
export function publishRefundDecided(trx: Db, payload: RefundDecidedPayload): Promise<string> {
  return appendEvent(trx, COMMERCE_EVENT_SOURCE, { type: 'RefundDecided', aggregateId: payload.refundId, payload });
}
