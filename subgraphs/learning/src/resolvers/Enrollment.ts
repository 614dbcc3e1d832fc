import { loadRequired } from '@academy/service-kit';
import type { EnrollmentResolvers } from '../generated/graphql.js';
import { visibleEnrollment } from '../services/enrollment.service.js';
import { enrollmentLessonProgress } from '../services/progress.service.js';

export const Enrollment: EnrollmentResolvers = {
  __resolveReference: (ref, ctx) => visibleEnrollment(ctx, ref.id),
  user: (e) => ({ __typename: 'User', id: e.user_id }),
  course: (e, _, ctx) => loadRequired(ctx.loaders.courseById, e.course_id, 'course'),
  progressPercent: (e) => e.progress_percent,
  enrolledAt: (e) => e.enrolled_at,
  completedAt: (e) => e.completed_at,
  lessonProgress: (e, _, ctx) => enrollmentLessonProgress(ctx, e),
};
