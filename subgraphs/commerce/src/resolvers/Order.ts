import type { OrderResolvers } from '../generated/graphql.js';
import { invoiceOfOrder } from '../services/invoice.service.js';
import { itemsOfOrder } from '../services/order.service.js';
import { paymentsOfOrder } from '../services/payment.service.js';
import { amountOf } from '../services/pricing.service.js';
import { refundsOfOrder } from '../services/refund.service.js';
import { ticketsOfOrder } from '../services/tickets.service.js';

export const Order: OrderResolvers = {
  customer: (order) => ({ __typename: 'User', id: order.user_id }),
  items: (order, _, ctx) => itemsOfOrder(ctx, order),
  subtotal: (order) => amountOf(order.subtotal_minor, order.currency),
  discount: (order) => amountOf(order.discount_minor, order.currency),
  total: (order) => amountOf(order.total_minor, order.currency),
  discountCode: (order) => order.discount_code,
  createdAt: (order) => order.created_at,
  paidAt: (order) => order.paid_at,
  payments: (order, _, ctx) => paymentsOfOrder(ctx, order),
  refunds: (order, _, ctx) => refundsOfOrder(ctx, order),
  invoice: (order, _, ctx) => invoiceOfOrder(ctx, order),
  tickets: (order, _, ctx) => ticketsOfOrder(ctx, order),
};
