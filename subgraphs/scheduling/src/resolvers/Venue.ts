import type { SchedulingContext } from '../context.js';
import type { Venue as VenueRow } from '../db/database.js';
import { upcomingKey } from './upcoming.js';

export const Venue = {
  __resolveReference: (ref: { id: string }, ctx: SchedulingContext) => ctx.loaders.venueById.load(ref.id),
  addressLine1: (v: VenueRow) => v.address_line1,
  addressLine2: (v: VenueRow) => v.address_line2,
  parkingInfo: (v: VenueRow) => v.parking_info,
  upcomingSessions: (v: VenueRow, args: { first?: number | null }, ctx: SchedulingContext) =>
    ctx.loaders.upcomingByVenue.load(upcomingKey(v.id, args.first)),
};
