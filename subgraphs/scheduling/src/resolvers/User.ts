import type { UserResolvers } from '../generated/graphql.js';
import { coachingSessionsOf } from '../services/coaching.service.js';

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ __typename: 'User', id: ref.id }),
  /** A user's coaching sessions are theirs alone to list (anyone else gets an empty list). */
  coachingSessions: (user, args, ctx) => coachingSessionsOf(ctx, user.id, args),
};
