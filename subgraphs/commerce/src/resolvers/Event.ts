import type { EventResolvers } from '../generated/graphql.js';
import { ticketTypesOfEvent } from '../services/ticket.service.js';
import { ticketsOfEvent, ticketsSoldOfEvent } from '../services/tickets.service.js';

export const Event: EventResolvers = {
  __resolveReference: (ref) => ({ __typename: 'Event', id: ref.id }),
  ticketTypes: (event, _, ctx) => ticketTypesOfEvent(ctx, event),
  ticketsSold: (event, _, ctx) => ticketsSoldOfEvent(ctx, event),
  /** Its organizer and ADMIN only; anybody else gets an empty connection. */
  tickets: (event, args, ctx) => ticketsOfEvent(ctx, event, args),
};
