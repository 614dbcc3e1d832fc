import type { LearningContext } from '../context.js';
import type { Topic as TopicRow } from '../db/database.js';
import { courseConnection } from './Query.js';

export const Topic = {
  __resolveReference: (ref: { id: string }, ctx: LearningContext) => ctx.loaders.topicById.load(ref.id),
  courses: (t: TopicRow, args: { first?: number | null; after?: string | null }, ctx: LearningContext) =>
    courseConnection(ctx, { first: args.first, after: args.after, filter: { topicId: t.id } }),
};
