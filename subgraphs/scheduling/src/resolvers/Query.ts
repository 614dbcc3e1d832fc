import { badUserInput, forwardPage, isTimestampCursor, parseId, toConnection } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { SessionStatus } from '../db/database.js';
import { findActiveTrainers } from '../repositories/trainer.repository.js';
import { findSessionPage } from '../repositories/training-session.repository.js';
import { findActiveVenues } from '../repositories/venue.repository.js';

interface SessionsArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    courseId?: string | null;
    venueId?: string | null;
    trainerId?: string | null;
    from?: Date | null;
    to?: Date | null;
    status?: SessionStatus | null;
    hasSeats?: boolean | null;
  } | null;
}

export const Query = {
  async venues(_: unknown, _args: unknown, ctx: SchedulingContext) {
    const venues = await findActiveVenues(ctx.db);
    for (const venue of venues) ctx.loaders.venueById.prime(venue.id, venue);
    return venues;
  },
  venue: (_: unknown, args: { id: string }, ctx: SchedulingContext) => ctx.loaders.venueById.load(parseId(args.id)),
  trainers: (_: unknown, _args: unknown, ctx: SchedulingContext) => findActiveTrainers(ctx.db),
  trainer: (_: unknown, args: { id: string }, ctx: SchedulingContext) => ctx.loaders.trainerById.load(parseId(args.id)),
  trainingSession: (_: unknown, args: { id: string }, ctx: SchedulingContext) => ctx.loaders.sessionById.load(parseId(args.id)),

  async trainingSessions(_: unknown, args: SessionsArgs, ctx: SchedulingContext) {
    const page = forwardPage(args, isTimestampCursor);
    const f = args.filter ?? {};
    if (f.from && f.to && f.to <= f.from) throw badUserInput('"to" must be after "from".', 'filter.to');
    const result = await findSessionPage(ctx.db, {
      filter: {
        courseId: f.courseId ? parseId(f.courseId, 'filter.courseId') : null,
        venueId: f.venueId ? parseId(f.venueId, 'filter.venueId') : null,
        trainerId: f.trainerId ? parseId(f.trainerId, 'filter.trainerId') : null,
        from: f.from ?? null,
        to: f.to ?? null,
        status: f.status ?? null,
        hasSeats: f.hasSeats ?? null,
      },
      limit: page.limit,
      after: page.after,
    });
    for (const row of result.rows) ctx.loaders.sessionById.prime(row.id, row);
    return toConnection({
      rows: result.rows,
      limit: page.limit,
      totalCount: result.totalCount,
      hasPreviousPage: result.hasPreviousPage,
      cursorOf: (s) => [s.starts_at_key, s.id],
      nodeOf: (s) => s,
    });
  },
};
