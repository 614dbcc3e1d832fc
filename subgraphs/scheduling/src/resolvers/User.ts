import type { UserResolvers } from '../generated/graphql.js';
import { coachingSessionsOf } from '../services/coaching.service.js';
import { trainerProfileOf } from '../services/trainer.service.js';

export const User: UserResolvers = {
  /** Any user id is a user here: one who never trained has no profile. */
  __resolveReference: (ref) => ({ __typename: 'User', id: ref.id }),
  trainerProfile: (user, _, ctx) => trainerProfileOf(ctx, user),
  /** A user's coaching sessions are theirs alone to list (anyone else gets an empty list). */
  coachingSessions: (user, args, ctx) => coachingSessionsOf(ctx, user.id, args),
};
