import { forbidden, requireViewer } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Course as CourseRow } from '../db/database.js';

export const Course = {
  __resolveReference: (ref: { id: string }, ctx: LearningContext) => ctx.loaders.courseById.load(ref.id),
  durationMinutes: (c: CourseRow) => c.duration_minutes,
  certificateValidityMonths: (c: CourseRow) => c.certificate_validity_months,
  topics: (c: CourseRow, _: unknown, ctx: LearningContext) => ctx.loaders.topicsByCourse.load(c.id),
  modules: (c: CourseRow, _: unknown, ctx: LearningContext) => ctx.loaders.modulesByCourse.load(c.id),
  lessonCount: (c: CourseRow, _: unknown, ctx: LearningContext) => ctx.loaders.lessonCountByCourse.load(c.id),
  author: (c: CourseRow) => (c.author_id ? { __typename: 'User', id: c.author_id } : null),
  publishedAt: (c: CourseRow) => c.published_at,
  createdAt: (c: CourseRow) => c.created_at,
  enrollmentCount: (c: CourseRow) => c.enrollment_count,
  viewerEnrollment: (c: CourseRow, _: unknown, ctx: LearningContext) =>
    ctx.viewer ? ctx.loaders.viewerEnrollmentByCourse.load(c.id) : null,
  completionRate(c: CourseRow, _: unknown, ctx: LearningContext) {
    const viewer = requireViewer(ctx);
    if (!viewer.roles.includes('ANALYST') && !viewer.roles.includes('ADMIN')) throw forbidden('Only ANALYST and ADMIN see completion rates.');
    return c.enrollment_count === 0 ? 0 : c.completed_count / c.enrollment_count;
  },
};
