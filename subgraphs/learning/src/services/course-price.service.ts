import type { Kysely } from 'kysely';
import type { LearningDatabase } from '../db/database.js';
import { recordCoursePrice } from '../repositories/course-price.repository.js';

/**
 * In the consumer's transaction: learning's copy of a course's price, as commerce's
 * CoursePriceSet announced it (null or 0 = free). An older announcement never overwrites a newer one.
 */
export function applyCoursePriceSet(
  trx: Kysely<LearningDatabase>,
  set: { courseId: string; price: { amountMinor: number; currency: string } | null; setAt: Date },
): Promise<void> {
  const priced = set.price && set.price.amountMinor > 0 ? set.price : null;
  return recordCoursePrice(trx, {
    course_id: set.courseId,
    amount_minor: priced?.amountMinor ?? null,
    currency: priced?.currency ?? null,
    set_at: set.setAt,
  });
}
