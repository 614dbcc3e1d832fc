import { isSelfOrRole } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Enrollment } from '../db/database.js';

/** An enrollment by id, if the viewer may see it: enrollments are private to the learner and ADMIN. */
export async function visibleEnrollment(ctx: LearningContext, id: string): Promise<Enrollment | null> {
  const enrollment = await ctx.loaders.enrollmentById.load(id);
  return enrollment && isSelfOrRole(ctx, enrollment.user_id, 'ADMIN') ? enrollment : null;
}
