import type { UserResolvers } from '../generated/graphql.js';
import { recommendedCourses } from '../services/recommendation.service.js';

export const User: UserResolvers = {
  // The reference carries `language` when identity was asked for it (@requires).
  __resolveReference: (ref) => ref,
  recommendedCourses: (user, args, ctx) => recommendedCourses(ctx, user, args.first),
};
