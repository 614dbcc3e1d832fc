import type { TrainingSessionResolvers } from '../generated/graphql.js';
import { sessionRegistrations } from '../services/registration.service.js';
import { fillRate, onlineJoinUrl, seatsAvailable, topicsOf } from '../services/training-session.service.js';

export const TrainingSession: TrainingSessionResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.sessionById.load(ref.id),
  course: (s) => ({ __typename: 'Course', id: s.course_id }),
  venue: (s, _, ctx) => (s.venue_id ? ctx.loaders.venueById.load(s.venue_id) : null),
  trainer: (s, _, ctx) => (s.trainer_id ? ctx.loaders.trainerById.load(s.trainer_id) : null),
  startsAt: (s) => s.starts_at,
  endsAt: (s) => s.ends_at,
  seatsTaken: (s) => s.seats_taken,
  seatsAvailable: (s) => seatsAvailable(s),
  onlineJoinUrl: (s, _, ctx) => onlineJoinUrl(ctx, s),
  fillRate: (s, _, ctx) => fillRate(ctx, s),
  topics: (s, _, ctx) => topicsOf(ctx, s),
  cancelledAt: (s) => s.cancelled_at,
  cancellationReason: (s) => s.cancellation_reason,
  registrations: (s, _, ctx) => sessionRegistrations(ctx, s.id),
};
