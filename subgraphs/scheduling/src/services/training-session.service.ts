import { badUserInput, forwardPage, hasRole, intInRange, isSelfOrRole, isTimestampCursor, parseId, requireRole, toConnection } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { TrainingSession } from '../db/database.js';
import type {
  CourseUpcomingSessionsArgs,
  QueryTrainingSessionArgs,
  QueryTrainingSessionsArgs,
  TrainerUpcomingSessionsArgs,
  VenueUpcomingSessionsArgs,
} from '../generated/graphql.js';
import { findSessionPage, type SessionOwner } from '../repositories/training-session.repository.js';

type UpcomingSessionsArgs = CourseUpcomingSessionsArgs | VenueUpcomingSessionsArgs | TrainerUpcomingSessionsArgs;

/** Training sessions by start time: validation, one statement, a Relay connection. */
export async function sessionConnection(ctx: SchedulingContext, args: QueryTrainingSessionsArgs) {
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
  return toConnection({ ...result, limit: page.limit, cursorOf: (s) => [s.starts_at_key, s.id], nodeOf: (s): TrainingSession => s });
}

/** One session by id. */
export const findSession = (ctx: SchedulingContext, args: QueryTrainingSessionArgs) => ctx.loaders.sessionById.load(parseId(args.id));

/** The next sessions open for registration of a course, venue or trainer; `first` is 1 to 50. */
export function upcomingSessions(ctx: SchedulingContext, owner: SessionOwner, ownerId: string, args: UpcomingSessionsArgs) {
  return ctx.loaders.upcomingSessions[owner].load({ ownerId, limit: intInRange(args.first ?? 5, 'first', 1, 50) });
}

/** Seats still free; never negative. */
export const seatsAvailable = (session: TrainingSession) => Math.max(0, session.capacity - session.seats_taken);

/** A session's join link: for its trainer and ADMIN (registered learners too once registrations exist). */
export async function onlineJoinUrl(ctx: SchedulingContext, session: TrainingSession): Promise<string | null> {
  if (!session.online_join_url || !ctx.viewer) return null;
  // ADMIN first: then the trainer need not be read.
  if (hasRole(ctx, 'ADMIN')) return session.online_join_url;
  const trainer = session.trainer_id ? await ctx.loaders.trainerById.load(session.trainer_id) : null;
  return trainer && isSelfOrRole(ctx, trainer.user_id) ? session.online_join_url : null;
}

/** Share of a session's seats taken; ANALYST, ADMIN and ORGANIZER only. */
export function fillRate(ctx: SchedulingContext, session: TrainingSession): number {
  requireRole(ctx, 'ANALYST', 'ADMIN', 'ORGANIZER');
  return session.seats_taken / session.capacity;
}
