import type { TicketResolvers } from '../generated/graphql.js';
import { ticketCode, ticketQrSvg, ticketTypeOfTicket } from '../services/tickets.service.js';

export const Ticket: TicketResolvers = {
  event: (ticket) => ({ __typename: 'Event', id: ticket.event_id }),
  ticketType: (ticket, _, ctx) => ticketTypeOfTicket(ctx, ticket),
  attendeeName: (ticket) => ticket.attendee_name,
  attendeeEmail: (ticket) => ticket.attendee_email,
  attendeeUser: (ticket) => (ticket.attendee_user_id ? { __typename: 'User', id: ticket.attendee_user_id } : null),
  /** The buyer only. */
  code: (ticket, _, ctx) => ticketCode(ctx, ticket),
  qrSvg: (ticket, _, ctx) => ticketQrSvg(ctx, ticket),
  issuedAt: (ticket) => ticket.issued_at,
  checkedInAt: (ticket) => ticket.checked_in_at,
  checkedInBy: (ticket) => (ticket.checked_in_by ? { __typename: 'User', id: ticket.checked_in_by } : null),
};
