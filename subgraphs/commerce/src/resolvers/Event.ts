import type { EventResolvers } from '../generated/graphql.js';
import { ticketTypesOfEvent } from '../services/ticket.service.js';

export const Event: EventResolvers = {
  __resolveReference: (ref) => ({ __typename: 'Event', id: ref.id }),
  ticketTypes: (event, _, ctx) => ticketTypesOfEvent(ctx, event),
};
