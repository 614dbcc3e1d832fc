import { parseId } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { Venue } from '../db/database.js';
import type { QueryVenueArgs } from '../generated/graphql.js';
import { findActiveVenues } from '../repositories/venue.repository.js';

/** Every active venue, by name; each is then known to the venue loader. */
export async function activeVenues(ctx: SchedulingContext): Promise<Venue[]> {
  const venues = await findActiveVenues(ctx.db);
  for (const venue of venues) ctx.loaders.venueById.prime(venue.id, venue);
  return venues;
}

/** One venue by id. */
export const findVenue = (ctx: SchedulingContext, args: QueryVenueArgs) => ctx.loaders.venueById.load(parseId(args.id));
