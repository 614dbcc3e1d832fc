import { isSelfOrRole } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Enrollment as EnrollmentRow } from '../db/database.js';

export const Enrollment = {
  /** Enrollments are private: only the learner and ADMIN resolve them. */
  async __resolveReference(ref: { id: string }, ctx: LearningContext) {
    const enrollment = await ctx.loaders.enrollmentById.load(ref.id);
    return enrollment && isSelfOrRole(ctx, enrollment.user_id, 'ADMIN') ? enrollment : null;
  },
  user: (e: EnrollmentRow) => ({ __typename: 'User', id: e.user_id }),
  course: (e: EnrollmentRow, _: unknown, ctx: LearningContext) => ctx.loaders.courseById.load(e.course_id),
  progressPercent: (e: EnrollmentRow) => e.progress_percent,
  enrolledAt: (e: EnrollmentRow) => e.enrolled_at,
  completedAt: (e: EnrollmentRow) => e.completed_at,
};
