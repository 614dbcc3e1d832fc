import { money } from '@academy/service-kit';
import type { CommerceContext } from '../context.js';

export const Course = {
  /** Any course id is a course here: one without a price row is free. */
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  async price(course: { id: string }, _: unknown, ctx: CommerceContext) {
    const price = await ctx.loaders.priceByCourse.load(course.id);
    return price ? money(price.amount_minor, price.currency) : null;
  },
};
