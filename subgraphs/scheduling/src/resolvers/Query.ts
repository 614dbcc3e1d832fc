import type { QueryResolvers } from '../generated/graphql.js';
import { attendanceStats } from '../services/attendance.service.js';
import { trainerAvailability } from '../services/coaching.service.js';
import { eventBySlug, listEvents } from '../services/event.service.js';
import { activeTrainers, findTrainer } from '../services/trainer.service.js';
import { findSession, sessionConnection } from '../services/training-session.service.js';
import { activeVenues, findVenue } from '../services/venue.service.js';

export const Query: QueryResolvers = {
  venues: (_, _args, ctx) => activeVenues(ctx),
  venue: (_, args, ctx) => findVenue(ctx, args),
  trainers: (_, _args, ctx) => activeTrainers(ctx),
  trainer: (_, args, ctx) => findTrainer(ctx, args),
  trainingSessions: (_, args, ctx) => sessionConnection(ctx, args),
  trainingSession: (_, args, ctx) => findSession(ctx, args),
  trainerAvailability: (_, args, ctx) => trainerAvailability(ctx, args),
  events: (_, args, ctx) => listEvents(ctx, args),
  event: (_, args, ctx) => eventBySlug(ctx, args),
  attendanceStats: (_, args, ctx) => attendanceStats(ctx, args),
};
