import { badUserInput, formatMoney, intInRange, isCurrencyCode, parseId, requireRole } from '@academy/service-kit';
import type { CommerceContext } from '../context.js';
import type { Amount, CourseReference, Price, TrainingSessionReference } from '../db/database.js';
import { publishCoursePriceSet } from '../events/published.js';
import { deleteCoursePrice, lockCoursePrice, upsertCoursePrice } from '../repositories/price.repository.js';

/** The highest price a course may have, in minor units (100,000.00 in a two-decimal currency). */
export const MAX_COURSE_PRICE_MINOR = 10_000_000;

/** What a course costs: its price row, or null when it has none (the course is free). */
export const coursePrice = (ctx: CommerceContext, course: CourseReference): Promise<Price | null> =>
  ctx.loaders.priceByCourse.load(course.id);

/**
 * What a seat of a session costs: the session's own price row if it has one, else its course's
 * (the course id comes with the session reference through federation's @requires, so no copy of
 * scheduling's sessions is needed for it); null = free.
 */
export const sessionPrice = (ctx: CommerceContext, session: TrainingSessionReference): Promise<Price | null> =>
  ctx.loaders.priceBySession.load(`${session.id}|${session.course?.id ?? session.id}`);

/** An amount as people read it in its currency, e.g. £75.00. */
export const formattedPrice = (amount: Amount): string => formatMoney(amount.amount_minor, amount.currency);

/** An amount in minor units as Money. */
export const amountOf = (amountMinor: number, currency: string): Amount => ({ amount_minor: amountMinor, currency });

/**
 * ADMIN sets what a course costs; 0 makes it free (its price row goes). The change and its
 * CoursePriceSet event commit together, under the course's price lock, so the events' setAt
 * rise in the order the changes committed and learning's copy ends as commerce's row does.
 */
export async function setCoursePrice(
  ctx: CommerceContext,
  args: { courseId: string; amountMinor: number; currency: string },
): Promise<CourseReference> {
  requireRole(ctx, 'ADMIN');
  const courseId = parseId(args.courseId, 'courseId');
  const amountMinor = intInRange(args.amountMinor, 'amountMinor', 0, MAX_COURSE_PRICE_MINOR);
  const currency = args.currency.trim().toUpperCase();
  if (!isCurrencyCode(currency)) throw badUserInput(`"currency" must be an ISO 4217 code such as GBP (got "${args.currency}").`, 'currency');
  await ctx.db.transaction().execute(async (trx) => {
    const at = await lockCoursePrice(trx, courseId);
    if (amountMinor === 0) await deleteCoursePrice(trx, courseId);
    else await upsertCoursePrice(trx, { courseId, amountMinor, currency, at });
    await publishCoursePriceSet(trx, { courseId, price: amountMinor === 0 ? null : { amountMinor, currency }, setAt: at.toISOString() });
  });
  ctx.loaders.priceByCourse.clear(courseId);
  return { __typename: 'Course', id: courseId };
}
