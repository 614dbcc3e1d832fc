import type { CourseResolvers } from '../generated/graphql.js';
import { coursePrice } from '../services/pricing.service.js';

export const Course: CourseResolvers = {
  /** Any course id is a course here: one without a price row is free. */
  __resolveReference: (ref) => ({ __typename: 'Course', id: ref.id }),
  price: (course, _, ctx) => coursePrice(ctx, course),
};
