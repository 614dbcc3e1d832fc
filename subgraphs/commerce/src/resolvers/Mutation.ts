import type { MutationResolvers } from '../generated/graphql.js';
import { setCoursePrice } from '../services/pricing.service.js';

export const Mutation: MutationResolvers = {
  setCoursePrice: (_, args, ctx) => setCoursePrice(ctx, args),
};
