import { conflict, intInRange, parseId, requireRole, text } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { Venue } from '../db/database.js';
import type { CreateVenueInput, QueryVenueArgs } from '../generated/graphql.js';
import { findActiveVenues, insertVenue } from '../repositories/venue.repository.js';
import { isConstraintViolation, optionalText, textList } from './input.js';

/** Every active venue, by name; each is then known to the venue loader. */
export async function activeVenues(ctx: SchedulingContext): Promise<Venue[]> {
  const venues = await findActiveVenues(ctx.db);
  for (const venue of venues) ctx.loaders.venueById.prime(venue.id, venue);
  return venues;
}

/** One venue by id. */
export const findVenue = (ctx: SchedulingContext, args: QueryVenueArgs) => ctx.loaders.venueById.load(parseId(args.id));

/** ADMIN and ORGANIZER add venues; a name is unique (CONFLICT when taken). */
export async function createVenue(ctx: SchedulingContext, input: CreateVenueInput): Promise<Venue> {
  requireRole(ctx, 'ADMIN', 'ORGANIZER');
  const values = {
    name: text(input.name, 'input.name', { max: 200 }),
    address_line1: optionalText(input.addressLine1, 'input.addressLine1', 200),
    address_line2: optionalText(input.addressLine2, 'input.addressLine2', 200),
    city: optionalText(input.city, 'input.city', 100),
    postcode: optionalText(input.postcode, 'input.postcode', 20),
    capacity: input.capacity == null ? null : intInRange(input.capacity, 'input.capacity', 1, 10_000),
    facilities: textList(input.facilities, 'input.facilities', 30, 100),
    parking_info: optionalText(input.parkingInfo, 'input.parkingInfo', 1000),
  };
  try {
    return await insertVenue(ctx.db, values);
  } catch (error) {
    if (isConstraintViolation(error, '23505', 'venues_name_key')) throw conflict(`A venue named "${values.name}" exists already.`);
    throw error;
  }
}
