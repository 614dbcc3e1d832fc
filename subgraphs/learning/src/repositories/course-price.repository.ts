import type { Kysely } from 'kysely';
import type { CoursePrice, LearningDatabase } from '../db/database.js';

/**
 * Records a course's price as commerce set it (amount and currency null = free), unless a price
 * set later is recorded already: commerce stamps each change after locking the course's price,
 * so the newest setAt is the price commerce holds.
 */
export async function recordCoursePrice(db: Kysely<LearningDatabase>, price: CoursePrice): Promise<void> {
  await db
    .insertInto('learning.course_prices')
    .values(price)
    .onConflict((oc) =>
      oc
        .column('course_id')
        .doUpdateSet((eb) => ({
          amount_minor: eb.ref('excluded.amount_minor'),
          currency: eb.ref('excluded.currency'),
          set_at: eb.ref('excluded.set_at'),
        }))
        .whereRef('excluded.set_at', '>=', 'learning.course_prices.set_at'),
    )
    .execute();
}

/** A course's price as learning last heard it from commerce; undefined when never set (free). */
export function findCoursePrice(db: Kysely<LearningDatabase>, courseId: string): Promise<CoursePrice | undefined> {
  return db.selectFrom('learning.course_prices').selectAll().where('course_id', '=', courseId).executeTakeFirst();
}
