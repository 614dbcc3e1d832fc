import type { UserResolvers } from '../generated/graphql.js';
import { coachingSessionsOf } from '../services/coaching.service.js';
import { userRegistrations } from '../services/registration.service.js';
import { trainerProfileOf } from '../services/trainer.service.js';

export const User: UserResolvers = {
  /** Any user id is a user here: one who never trained has no profile. */
  __resolveReference: (ref) => ({ __typename: 'User', id: ref.id }),
  trainerProfile: (user, _, ctx) => trainerProfileOf(ctx, user),
  registrations: (user, args, ctx) => userRegistrations(ctx, user.id, args),
  /** A user's coaching sessions are theirs alone to list (anyone else gets an empty list). */
  coachingSessions: (user, args, ctx) => coachingSessionsOf(ctx, user.id, args),
};
