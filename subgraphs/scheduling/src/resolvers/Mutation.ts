import type { MutationResolvers } from '../generated/graphql.js';
import { createEvent } from '../services/event.service.js';
import { createTrainerProfile } from '../services/trainer.service.js';
import { cancelTrainingSession, scheduleTrainingSession } from '../services/training-session.service.js';
import { createVenue } from '../services/venue.service.js';

export const Mutation: MutationResolvers = {
  createVenue: (_, args, ctx) => createVenue(ctx, args.input),
  createTrainerProfile: (_, args, ctx) => createTrainerProfile(ctx, args),
  scheduleTrainingSession: (_, args, ctx) => scheduleTrainingSession(ctx, args.input),
  cancelTrainingSession: (_, args, ctx) => cancelTrainingSession(ctx, args),
  createEvent: (_, args, ctx) => createEvent(ctx, args.input),
};
