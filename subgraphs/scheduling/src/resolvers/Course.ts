import type { SchedulingContext } from '../context.js';
import { upcomingKey } from './upcoming.js';

export const Course = {
  /** Any course id is a course here: one that was never scheduled has no sessions. */
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  upcomingSessions: (course: { id: string }, args: { first?: number | null }, ctx: SchedulingContext) =>
    ctx.loaders.upcomingByCourse.load(upcomingKey(course.id, args.first)),
};
