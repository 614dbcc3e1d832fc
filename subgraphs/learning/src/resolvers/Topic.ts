import type { TopicResolvers } from '../generated/graphql.js';
import { topicCourses } from '../services/catalogue.service.js';

export const Topic: TopicResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.topicById.load(ref.id),
  courses: (t, args, ctx) => topicCourses(ctx, t, args),
};
