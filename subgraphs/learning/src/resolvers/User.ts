import type { UserResolvers } from '../generated/graphql.js';
import { certificatesOfUser } from '../services/certificate.service.js';
import { enrollmentsOfUser } from '../services/enrollment.service.js';

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ __typename: 'User', id: ref.id }),
  certificates: (user, _, ctx) => certificatesOfUser(ctx, user),
  enrollments: (user, args, ctx) => enrollmentsOfUser(ctx, user, args),
};
