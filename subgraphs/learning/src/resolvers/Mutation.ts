import type { MutationResolvers } from '../generated/graphql.js';
import { syncLessonProgress } from '../services/progress.service.js';

export const Mutation: MutationResolvers = {
  syncLessonProgress: (_, { entries }, ctx) => syncLessonProgress(ctx, entries),
};
