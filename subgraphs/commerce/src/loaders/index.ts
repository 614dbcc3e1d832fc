import { defineLoaders, groupedLoader, keyedLoader } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceDatabase } from '../db/database.js';
import { findInvoicesOfOrders } from '../repositories/invoice.repository.js';
import { findEventsByIds } from '../repositories/copy.repository.js';
import { findItemsOfOrders, findOrdersByIds, findOrdersOfRegistrations } from '../repositories/order.repository.js';
import { findPaymentsOfOrders } from '../repositories/payment.repository.js';
import { findCoursePrices, findSessionPrices } from '../repositories/price.repository.js';
import { findRefundsOfOrders } from '../repositories/refund.repository.js';
import { findTicketsOfOrders, findTicketTypesByIds, findTicketTypesOfEvents } from '../repositories/ticket.repository.js';

/** The per-request DataLoaders of the commerce subgraph. */
const makeLoaders = defineLoaders<{ db: Kysely<CommerceDatabase> }>()({
  priceByCourse: ({ db }) => keyedLoader((ids: readonly string[]) => findCoursePrices(db, ids), (p) => p.course_id),
  /** Keyed `sessionId|courseId`. */
  priceBySession: ({ db }) => keyedLoader(
    (keys: readonly string[]) => findSessionPrices(db, keys.map((k) => ({ sessionId: k.split('|')[0]!, courseId: k.split('|')[1]! }))),
    (p) => `${p.for_session_id}|${p.for_course_id}`,
  ),
  orderById: ({ db }) => keyedLoader((ids: readonly string[]) => findOrdersByIds(db, ids), (o) => o.id),
  itemsByOrder: ({ db }) => groupedLoader((ids: readonly string[]) => findItemsOfOrders(db, ids), (i) => i.order_id),
  orderByRegistration: ({ db }) => keyedLoader((ids: readonly string[]) => findOrdersOfRegistrations(db, ids), (o) => o.for_registration_id),
  paymentsByOrder: ({ db }) => groupedLoader((ids: readonly string[]) => findPaymentsOfOrders(db, ids), (p) => p.order_id),
  invoiceByOrder: ({ db }) => keyedLoader((ids: readonly string[]) => findInvoicesOfOrders(db, ids), (i) => i.order_id),
  ticketTypeById: ({ db }) => keyedLoader((ids: readonly string[]) => findTicketTypesByIds(db, ids), (t) => t.id),
  refundsByOrder: ({ db }) => groupedLoader((ids: readonly string[]) => findRefundsOfOrders(db, ids), (r) => r.order_id),
  ticketTypesByEvent: ({ db }) => groupedLoader((ids: readonly string[]) => findTicketTypesOfEvents(db, ids), (t) => t.event_id),
  ticketsByOrder: ({ db }) => groupedLoader((ids: readonly string[]) => findTicketsOfOrders(db, ids), (t) => t.order_id),
  eventById: ({ db }) => keyedLoader((ids: readonly string[]) => findEventsByIds(db, ids), (e) => e.id),
});

export function createLoaders(db: Kysely<CommerceDatabase>) {
  return makeLoaders({ db });
}

export type Loaders = ReturnType<typeof createLoaders>;
