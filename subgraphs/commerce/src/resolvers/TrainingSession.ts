import type { TrainingSessionResolvers } from '../generated/graphql.js';
import { sessionPrice } from '../services/pricing.service.js';

export const TrainingSession: TrainingSessionResolvers = {
  /** The reference carries the course's id (@requires), which the price falls back to. */
  __resolveReference: (ref) => ({ __typename: 'TrainingSession', id: ref.id, course: ref.course ?? null }),
  price: (session, _, ctx) => sessionPrice(ctx, session),
};
