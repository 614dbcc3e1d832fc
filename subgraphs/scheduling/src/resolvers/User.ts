import type { UserResolvers } from '../generated/graphql.js';
import { userRegistrations } from '../services/registration.service.js';

export const User: UserResolvers = {
  /** Any user id is a user here: one who never registered has no registrations. */
  __resolveReference: (ref) => ({ __typename: 'User', id: ref.id }),
  registrations: (user, args, ctx) => userRegistrations(ctx, user.id, args),
};
