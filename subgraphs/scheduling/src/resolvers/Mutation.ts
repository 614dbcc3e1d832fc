import type { MutationResolvers } from '../generated/graphql.js';
import { bookCoachingSession, cancelCoachingSession } from '../services/coaching.service.js';
import { submitSessionFeedback } from '../services/session-feedback.service.js';
import { setTrainerWorkingHours } from '../services/working-hours.service.js';

export const Mutation: MutationResolvers = {
  bookCoachingSession: (_, args, ctx) => bookCoachingSession(ctx, args),
  cancelCoachingSession: (_, args, ctx) => cancelCoachingSession(ctx, args),
  submitSessionFeedback: (_, args, ctx) => submitSessionFeedback(ctx, args),
  setTrainerWorkingHours: (_, args, ctx) => setTrainerWorkingHours(ctx, args),
};
