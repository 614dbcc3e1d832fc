import { selectsField } from '@academy/service-kit';
import type { QueryResolvers } from '../generated/graphql.js';
import { verifyCertificate } from '../services/certificate.service.js';
import { enrollmentStats } from '../services/enrollment-stats.service.js';
import { publishedLearningPaths } from '../services/learning-path.service.js';
import { allTopics, courseConnection, findCourse } from '../services/catalogue.service.js';

export const Query: QueryResolvers = {
  courses: (_, args, ctx) => courseConnection(ctx, args),
  // A course page asks for the outline too: then course, modules and lessons are one statement.
  course: (_, args, ctx, info) => findCourse(ctx, args, selectsField(info, 'modules')),
  topics: (_, _args, ctx) => allTopics(ctx),
  verifyCertificate: (_, args, ctx) => verifyCertificate(ctx, args.code),
  enrollmentStats: (_, args, ctx) => enrollmentStats(ctx, args),
  learningPaths: (_, _args, ctx) => publishedLearningPaths(ctx),
};
