import type { UserResolvers } from '../generated/graphql.js';
import { trainerProfileOf } from '../services/trainer.service.js';

export const User: UserResolvers = {
  /** Any user id is a user here: one who never trained has no profile. */
  __resolveReference: (ref) => ({ __typename: 'User', id: ref.id }),
  trainerProfile: (user, _, ctx) => trainerProfileOf(ctx, user),
};
