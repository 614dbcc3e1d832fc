import type { CourseResolvers } from '../generated/graphql.js';
import { completionRate } from '../services/course-content.service.js';
import { materialsOfCourse } from '../services/course-material.service.js';

export const Course: CourseResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.courseById.load(ref.id),
  durationMinutes: (c) => c.duration_minutes,
  certificateValidityMonths: (c) => c.certificate_validity_months,
  topics: (c, _, ctx) => ctx.loaders.topicsByCourse.load(c.id),
  modules: (c, _, ctx) => ctx.loaders.modulesByCourse.load(c.id),
  lessonCount: (c, _, ctx) => ctx.loaders.lessonCountByCourse.load(c.id),
  author: (c) => (c.author_id ? { __typename: 'User', id: c.author_id } : null),
  publishedAt: (c) => c.published_at,
  createdAt: (c) => c.created_at,
  enrollmentCount: (c) => c.enrollment_count,
  viewerEnrollment: (c, _, ctx) => (ctx.viewer ? ctx.loaders.viewerEnrollmentByCourse.load(c.id) : null),
  completionRate: (c, _, ctx) => completionRate(ctx, c),
  materials: (c, _, ctx) => materialsOfCourse(ctx, c),
};
