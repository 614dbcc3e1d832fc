import { forbidden, hasRole, requireViewer } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { TrainingSession as SessionRow } from '../db/database.js';

export const TrainingSession = {
  __resolveReference: (ref: { id: string }, ctx: SchedulingContext) => ctx.loaders.sessionById.load(ref.id),
  course: (s: SessionRow) => ({ __typename: 'Course', id: s.course_id }),
  venue: (s: SessionRow, _: unknown, ctx: SchedulingContext) => (s.venue_id ? ctx.loaders.venueById.load(s.venue_id) : null),
  trainer: (s: SessionRow, _: unknown, ctx: SchedulingContext) =>
    s.trainer_id ? ctx.loaders.trainerById.load(s.trainer_id) : null,
  startsAt: (s: SessionRow) => s.starts_at,
  endsAt: (s: SessionRow) => s.ends_at,
  seatsTaken: (s: SessionRow) => s.seats_taken,
  seatsAvailable: (s: SessionRow) => Math.max(0, s.capacity - s.seats_taken),
  /** The session's trainer and ADMIN; registered learners too once registrations exist. */
  async onlineJoinUrl(s: SessionRow, _: unknown, ctx: SchedulingContext) {
    if (!s.online_join_url || !ctx.viewer) return null;
    if (hasRole(ctx, 'ADMIN')) return s.online_join_url;
    const trainer = s.trainer_id ? await ctx.loaders.trainerById.load(s.trainer_id) : null;
    return trainer?.user_id === ctx.viewer.userId ? s.online_join_url : null;
  },
  fillRate(s: SessionRow, _: unknown, ctx: SchedulingContext) {
    requireViewer(ctx);
    if (!hasRole(ctx, 'ANALYST', 'ADMIN', 'ORGANIZER')) throw forbidden('Only ANALYST, ADMIN and ORGANIZER see fill rates.');
    return s.seats_taken / s.capacity;
  },
};
