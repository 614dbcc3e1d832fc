import { badUserInput, forbidden, hasRole, intInRange, isCurrencyCode, notFound, parseId, requireRole, text } from '@academy/service-kit';
import { waitForCopy } from '@academy/service-kit/events';
import type { CommerceContext } from '../context.js';
import type { EventReference, TicketType } from '../db/database.js';
import type { MutationCreateTicketTypeArgs } from '../generated/graphql.js';
import { findEvent } from '../repositories/copy.repository.js';
import { insertTicketType } from '../repositories/ticket.repository.js';

/** The highest ticket price, in minor units. */
const MAX_TICKET_PRICE_MINOR = 10_000_000;

/**
 * ADMIN, or the event's organizer (by commerce's copy of the event, from EventScheduled), puts a
 * kind of ticket on sale. An event created a moment ago may not be copied yet: it is waited for
 *  (up to COPY_WAIT_MS) before NOT_FOUND.
 */
export async function createTicketType(ctx: CommerceContext, args: MutationCreateTicketTypeArgs): Promise<TicketType> {
  const viewer = requireRole(ctx, 'ADMIN', 'ORGANIZER');
  const eventId = parseId(args.eventId, 'eventId');
  const name = text(args.name, 'name', { min: 1, max: 100 });
  const amountMinor = intInRange(args.amountMinor, 'amountMinor', 0, MAX_TICKET_PRICE_MINOR);
  const currency = args.currency.trim().toUpperCase();
  if (!isCurrencyCode(currency)) throw badUserInput(`"currency" must be an ISO 4217 code such as GBP (got "${args.currency}").`, 'currency');
  const quantity = intInRange(args.quantity, 'quantity', 1, 100_000);
  const event = await waitForCopy(() => findEvent(ctx.db, eventId), (found) => found !== undefined);
  if (!event) throw notFound('No such event.');
  if (event.organizer_id !== viewer.userId && !hasRole(ctx, 'ADMIN')) throw forbidden('Only the event\'s organizer or ADMIN sells its tickets.');
  const created = await insertTicketType(ctx.db, { event_id: eventId, name, amount_minor: amountMinor, currency, quantity });
  ctx.loaders.ticketTypeById.prime(created.id, created);
  return created;
}

/** An event's ticket types, oldest first. */
export const ticketTypesOfEvent = (ctx: CommerceContext, event: EventReference): Promise<TicketType[]> => ctx.loaders.ticketTypesByEvent.load(event.id);

/** A ticket type by id (for order items). */
export const ticketTypeById = (ctx: CommerceContext, id: string): Promise<TicketType | null> => ctx.loaders.ticketTypeById.load(id);
