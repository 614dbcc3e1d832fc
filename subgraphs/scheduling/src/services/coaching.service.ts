import { randomBytes } from 'node:crypto';
import { badUserInput, conflict, forbidden, hasRole, notFound, parseId, requireViewer } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { CoachingSession, CoachingStatus } from '../db/database.js';
import type {
  MutationBookCoachingSessionArgs,
  MutationCancelCoachingSessionArgs,
  MutationMarkCoachingNoShowArgs,
  QueryTrainerAvailabilityArgs,
  UserCoachingSessionsArgs,
} from '../generated/graphql.js';
import {
  COACH_OVERLAP_CONSTRAINT,
  insertCoachingSession,
  LEARNER_OVERLAP_CONSTRAINT,
  lockCoachingSession,
  markCoachingSessionCancelled,
  markCoachingSessionNoShow,
} from '../repositories/coaching-session.repository.js';
import { hasTimeOffBetween } from '../repositories/trainer-time-off.repository.js';
import { findTrainersByIds, lockTrainerCalendar } from '../repositories/trainer.repository.js';
import { findFreeSlots, hasTrainingSessionBetween, isWithinWorkingHours } from '../repositories/working-hours.repository.js';
import { publishCoachingSessionBooked, publishCoachingSessionCancelled } from '../events/published.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Longest range trainerAvailability answers for. */
export const MAX_AVAILABILITY_DAYS = 31;
/** Shortest and longest coaching session, and the step between lengths (also the grid starts fall on). */
export const MIN_COACHING_MINUTES = 15;
export const MAX_COACHING_MINUTES = 240;
export const COACHING_STEP_MINUTES = 15;
/** How far ahead a session may be booked. */
export const MAX_BOOKING_DAYS_AHEAD = 365;

/** A free span of a trainer's time, as TimeSlot shows it. */
export interface TimeSlot {
  startsAt: Date;
  endsAt: Date;
}

/**
 * When a trainer is free for coaching in [from, to): at most 31 days; the past is left out
 * (nothing can be booked there). Public; empty for an inactive trainer.
 */
export async function trainerAvailability(ctx: SchedulingContext, args: QueryTrainerAvailabilityArgs): Promise<TimeSlot[]> {
  const trainerId = parseId(args.trainerId, 'trainerId');
  const { from, to } = args;
  if (to.getTime() <= from.getTime()) throw badUserInput('"to" must be after "from".', 'to');
  if (to.getTime() - from.getTime() > MAX_AVAILABILITY_DAYS * DAY) throw badUserInput(`The range may span at most ${MAX_AVAILABILITY_DAYS} days.`, 'to');
  const trainer = await ctx.loaders.trainerById.load(trainerId);
  if (!trainer) throw notFound('No trainer has this ID.');
  // Clipped to now, rounded up to the booking grid: nothing earlier can be booked.
  const step = COACHING_STEP_MINUTES * MINUTE;
  const start = new Date(Math.max(from.getTime(), Math.ceil(Date.now() / step) * step));
  if (!trainer.is_active || start.getTime() >= to.getTime()) return [];
  const slots = await findFreeSlots(ctx.db, trainerId, start, to);
  return slots.map((s) => ({ startsAt: s.starts_at, endsAt: s.ends_at }));
}

/** An unguessable room for one session under the configured base URL. */
function newMeetingUrl(base: string): string {
  return `${base.endsWith('/') ? base : `${base}/`}${randomBytes(18).toString('base64url')}`;
}

/** Whether `error` is PostgreSQL refusing a row by the exclusion constraint `constraint`. */
const isExclusionViolation = (error: unknown, constraint: string) =>
  (error as { code?: unknown })?.code === '23P01' && (error as { constraint?: unknown }).constraint === constraint;

/**
 * Books a coaching session for the signed-in user. Input that cannot be booked whatever
 * others do (length, grid, past, outside working hours or in the coach's time off, inactive
 * coach, oneself) is BAD_USER_INPUT; time already taken is CONFLICT. The database's exclusion
 * constraints are what refuse a double booking: two requests racing for one slot cannot both
 * commit. Training sessions and time off live in other tables: the trainer's calendar lock
 * (also taken by scheduleTrainingSession and addTrainerTimeOff) is held before looking at them,
 * so a racing change either committed before the look or waits until this booking has.
 */
export async function bookCoachingSession(ctx: SchedulingContext, args: MutationBookCoachingSessionArgs): Promise<CoachingSession> {
  const viewer = requireViewer(ctx);
  const trainerId = parseId(args.trainerId, 'trainerId');
  const minutes = args.durationMinutes;
  if (!Number.isInteger(minutes) || minutes < MIN_COACHING_MINUTES || minutes > MAX_COACHING_MINUTES || minutes % COACHING_STEP_MINUTES !== 0) {
    throw badUserInput(`"durationMinutes" must be ${MIN_COACHING_MINUTES} to ${MAX_COACHING_MINUTES} in steps of ${COACHING_STEP_MINUTES}.`, 'durationMinutes');
  }
  const startsAt = args.startsAt;
  if (startsAt.getTime() % (COACHING_STEP_MINUTES * MINUTE) !== 0) throw badUserInput('"startsAt" must fall on a quarter hour.', 'startsAt');
  if (startsAt.getTime() <= Date.now()) throw badUserInput('"startsAt" must be in the future.', 'startsAt');
  if (startsAt.getTime() > Date.now() + MAX_BOOKING_DAYS_AHEAD * DAY) throw badUserInput(`"startsAt" may be at most ${MAX_BOOKING_DAYS_AHEAD} days ahead.`, 'startsAt');
  const endsAt = new Date(startsAt.getTime() + minutes * MINUTE);

  const trainer = await ctx.loaders.trainerById.load(trainerId);
  if (!trainer) throw notFound('No trainer has this ID.');
  if (!trainer.is_active) throw badUserInput('This trainer does not take sessions now.', 'trainerId');
  if (trainer.user_id === viewer.userId) throw badUserInput('You cannot book a session with yourself.', 'trainerId');
  if (!(await isWithinWorkingHours(ctx.db, trainerId, startsAt, endsAt))) {
    throw badUserInput("The session must lie within the trainer's working hours.", 'startsAt');
  }

  let session: CoachingSession;
  try {
    session = await ctx.db.transaction().execute(async (trx) => {
      await lockTrainerCalendar(trx, trainerId);
      if (await hasTimeOffBetween(trx, trainerId, startsAt, endsAt)) throw badUserInput('The trainer is off at that time.', 'startsAt');
      if (await hasTrainingSessionBetween(trx, trainerId, startsAt, endsAt)) throw conflict('The trainer runs a training session then.');
      const booked = await insertCoachingSession(trx, {
        trainer_id: trainerId,
        learner_id: viewer.userId,
        starts_at: startsAt,
        ends_at: endsAt,
        meeting_url: newMeetingUrl(ctx.settings.meetingBaseUrl),
      });
      await publishCoachingSessionBooked(trx, booked);
      return booked;
    });
  } catch (error) {
    if (isExclusionViolation(error, COACH_OVERLAP_CONSTRAINT)) throw conflict('The trainer is booked at that time.');
    if (isExclusionViolation(error, LEARNER_OVERLAP_CONSTRAINT)) throw conflict('You have another coaching session at that time.');
    throw error;
  }
  ctx.loaders.coachingSessionById.prime(session.id, session);
  return session;
}

/**
 * Cancels a session before it starts: its learner, its coach or ADMIN. The row keeps its
 * history (status CANCELLED), and the exclusion constraints no longer count it.
 */
export async function cancelCoachingSession(ctx: SchedulingContext, args: MutationCancelCoachingSessionArgs): Promise<CoachingSession> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id);
  const session = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockCoachingSession(trx, id);
    if (!found) throw notFound('No coaching session has this ID.');
    const [coach] = await findTrainersByIds(trx, [found.trainer_id]);
    if (found.learner_id !== viewer.userId && coach?.user_id !== viewer.userId && !hasRole(ctx, 'ADMIN')) {
      throw forbidden('Only its learner, its coach or ADMIN may cancel a coaching session.');
    }
    // A retried cancellation answers as the first did, and announces nothing twice.
    if (found.status === 'CANCELLED') return found;
    if (found.starts_at.getTime() <= Date.now()) throw conflict('A session cannot be cancelled once it has started.');
    const cancelled = await markCoachingSessionCancelled(trx, id, viewer.userId);
    await publishCoachingSessionCancelled(trx, cancelled, viewer.userId);
    return cancelled;
  });
  ctx.loaders.coachingSessionById.clear(id).prime(id, session);
  return session;
}

/**
 * Records that the learner did not turn up: the coach or ADMIN, once the session has started
 * (CONFLICT before, and for a cancelled session). A repeat answers as the first did.
 */
export async function markCoachingNoShow(ctx: SchedulingContext, args: MutationMarkCoachingNoShowArgs): Promise<CoachingSession> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id);
  const session = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockCoachingSession(trx, id);
    if (!found) throw notFound('No coaching session has this ID.');
    const [coach] = await findTrainersByIds(trx, [found.trainer_id]);
    if (coach?.user_id !== viewer.userId && !hasRole(ctx, 'ADMIN')) throw forbidden('Only its coach or ADMIN may record a no-show.');
    if (found.status === 'NO_SHOW') return found;
    if (found.status === 'CANCELLED') throw conflict('The session was cancelled.');
    if (found.starts_at.getTime() > Date.now()) throw conflict('A no-show can be recorded only once the session has started.');
    return markCoachingSessionNoShow(trx, id, viewer.userId);
  });
  ctx.loaders.coachingSessionById.clear(id).prime(id, session);
  return session;
}

/** A user's coaching sessions, as learner or coach: the user themself only, anyone else sees none. */
export async function coachingSessionsOf(ctx: SchedulingContext, userId: string, args: UserCoachingSessionsArgs): Promise<CoachingSession[]> {
  if (ctx.viewer?.userId !== userId || ctx.viewer.grants) return [];
  const loader = args.upcomingOnly === false ? ctx.loaders.coachingSessionsOfUser.all : ctx.loaders.coachingSessionsOfUser.upcoming;
  const sessions = await loader.load(userId);
  for (const session of sessions) ctx.loaders.coachingSessionById.prime(session.id, session);
  return sessions;
}

/** The status shown: a booked session that has ended took place. */
export const coachingStatus = (session: CoachingSession): CoachingStatus =>
  session.status === 'BOOKED' && session.ends_at.getTime() <= Date.now() ? 'COMPLETED' : session.status;

/** The session's meeting room, for its learner and its coach only. */
export async function meetingUrl(ctx: SchedulingContext, session: CoachingSession): Promise<string | null> {
  if (!ctx.viewer || ctx.viewer.grants) return null;
  if (ctx.viewer.userId === session.learner_id) return session.meeting_url;
  const coach = await ctx.loaders.trainerById.load(session.trainer_id);
  return coach?.user_id === ctx.viewer.userId ? session.meeting_url : null;
}
