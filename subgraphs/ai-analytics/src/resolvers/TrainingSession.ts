import type { TrainingSessionResolvers } from '../generated/graphql.js';
import { sessionCoachingTips } from '../services/coaching-tip.service.js';

export const TrainingSession: TrainingSessionResolvers = {
  // The reference carries the trainer and topics when scheduling was asked for them (@requires).
  __resolveReference: (ref) => ref,
  coachingTips: (session, _, ctx) => sessionCoachingTips(ctx, session),
};
