import type { EventResolvers } from '../generated/graphql.js';

export const Event: EventResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.eventById.load(ref.id),
  startsAt: (e) => e.starts_at,
  endsAt: (e) => e.ends_at,
  venue: (e, _, ctx) => (e.venue_id ? ctx.loaders.venueById.load(e.venue_id) : null),
  organizer: (e) => ({ __typename: 'User', id: e.organizer_id }),
};
