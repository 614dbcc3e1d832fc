import type { CourseResolvers } from '../generated/graphql.js';
import { upcomingSessions } from '../services/training-session.service.js';

export const Course: CourseResolvers = {
  /** Any course id is a course here: one that was never scheduled has no sessions. */
  __resolveReference: (ref) => ({ __typename: 'Course', id: ref.id }),
  upcomingSessions: (course, args, ctx) => upcomingSessions(ctx, 'course', course.id, args),
};
