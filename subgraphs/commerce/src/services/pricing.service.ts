import { formatMoney } from '@academy/service-kit';
import type { CommerceContext } from '../context.js';
import type { CourseReference, Price } from '../db/database.js';

/** What a course costs: its price row, or null when it has none (the course is free). */
export const coursePrice = (ctx: CommerceContext, course: CourseReference): Promise<Price | null> =>
  ctx.loaders.priceByCourse.load(course.id);

/** A price as people read it in its currency, e.g. £75.00. */
export const formattedPrice = (price: Price): string => formatMoney(price.amount_minor, price.currency);
