import type { TicketTypeResolvers } from '../generated/graphql.js';
import { amountOf } from '../services/pricing.service.js';

export const TicketType: TicketTypeResolvers = {
  event: (ticketType) => ({ __typename: 'Event', id: ticketType.event_id }),
  price: (ticketType) => amountOf(ticketType.amount_minor, ticketType.currency),
  available: (ticketType) => ticketType.quantity - ticketType.sold,
};
