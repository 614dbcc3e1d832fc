import { intInRange } from '@academy/service-kit';
import type { AiAnalyticsContext } from '../context.js';
import type { Transaction } from 'kysely';
import type { AiAnalyticsDatabase, CourseReference, UserWithLanguage } from '../db/database.js';
import { recommendCourseIds, recordEnrollment, upsertCatalogueCourse, type CourseChange } from '../repositories/recommendation.repository.js';

export const MAX_RECOMMENDATIONS = 50;

/**
 * Courses for the user, best first (see recommendCourseIds for the order), to the user
 * themself; anyone else gets an empty list, so a list of users never fails on it. Built from
 * ai-analytics' copies of learning's events, so a course enrolled a moment ago may still be
 * listed until the event is processed.
 */
export async function recommendedCourses(ctx: AiAnalyticsContext, user: UserWithLanguage, first: number): Promise<CourseReference[]> {
  const count = intInRange(first, 'first', 1, MAX_RECOMMENDATIONS);
  if (!ctx.viewer || ctx.viewer.grants || ctx.viewer.userId !== user.id) return [];
  const ids = await recommendCourseIds(ctx.db, user.id, user.language ?? null, count);
  return ids.map((id) => ({ __typename: 'Course', id }));
}

/** A course as learning's CoursePublished / CourseUpdated describe it; see upsertCatalogueCourse. */
export const recordCourseChange = (trx: Transaction<AiAnalyticsDatabase>, change: CourseChange): Promise<void> => upsertCatalogueCourse(trx, change);

/**
 * A learner got a course (learning's EnrollmentCreated): kept so it is never recommended to
 * them, counted in its popularity, and paired with each of their other courses in
 * course_similarity, all in the consumer's transaction, so a replayed event counts nothing twice.
 */
export async function recordEnrollmentCreated(trx: Transaction<AiAnalyticsDatabase>, enrollment: { userId: string; courseId: string; enrolledAt: Date }): Promise<void> {
  await recordEnrollment(trx, enrollment.userId, enrollment.courseId, enrollment.enrolledAt);
}
