import type { QueryResolvers } from '../generated/graphql.js';
import { activeUsers, eventCounts, funnel } from '../services/analytics-figures.service.js';

export const Query: QueryResolvers = {
  activeUsers: (_, args, ctx) => activeUsers(ctx, args),
  eventCounts: (_, args, ctx) => eventCounts(ctx, args),
  funnel: (_, args, ctx) => funnel(ctx, args),
};
