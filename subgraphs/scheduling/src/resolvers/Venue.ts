import type { VenueResolvers } from '../generated/graphql.js';
import { upcomingSessions } from '../services/training-session.service.js';

export const Venue: VenueResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.venueById.load(ref.id),
  addressLine1: (v) => v.address_line1,
  addressLine2: (v) => v.address_line2,
  parkingInfo: (v) => v.parking_info,
  upcomingSessions: (v, args, ctx) => upcomingSessions(ctx, 'venue', v.id, args),
};
