import type { OrderItemResolvers } from '../generated/graphql.js';
import { amountOf } from '../services/pricing.service.js';
import { ticketTypeById } from '../services/ticket.service.js';

export const OrderItem: OrderItemResolvers = {
  unitPrice: (item) => amountOf(item.unit_price_minor, item.currency),
  total: (item) => amountOf(item.total_minor, item.currency),
  registration: (item) => (item.registration_id ? { __typename: 'Registration', id: item.registration_id } : null),
  course: (item) => (item.course_id ? { __typename: 'Course', id: item.course_id } : null),
  ticketType: (item, _, ctx) => (item.ticket_type_id ? ticketTypeById(ctx, item.ticket_type_id) : null),
};
