import {
  DomainError,
  ErrorCode,
  badUserInput,
  conflict,
  forwardPage,
  hasRole,
  intInRange,
  isSelfOrRole,
  isTimestampCursor,
  notFound,
  parseId,
  requireRole,
  text,
  toConnection,
} from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { SchedulingContext } from '../context.js';
import type { SchedulingDatabase, TrainingSession } from '../db/database.js';
import { publishTrainingSessionCancelled, publishTrainingSessionScheduled } from '../events/published.js';
import type {
  CourseUpcomingSessionsArgs,
  MutationCancelTrainingSessionArgs,
  QueryTrainingSessionArgs,
  QueryTrainingSessionsArgs,
  ScheduleSessionInput,
  TrainerUpcomingSessionsArgs,
  VenueUpcomingSessionsArgs,
} from '../generated/graphql.js';
import {
  findSessionPage,
  insertSession,
  insertSessionTopics,
  lockSession,
  markSessionCancelled,
  type SessionOwner,
} from '../repositories/training-session.repository.js';
import { hasBookedCoachingBetween } from '../repositories/coaching-session.repository.js';
import { lockTrainerCalendar } from '../repositories/trainer.repository.js';
import { idList, isConstraintViolation, textList, webUrl } from './input.js';
import { releaseSeatsOfCancelledSession } from './registration.service.js';

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

/**
 * A session's join link: for users registered for it (CONFIRMED or ATTENDED: a held, unpaid
 * seat does not open it), its trainer and ADMIN. The viewer's registrations of every session of
 * the request are read in one statement.
 */
export async function onlineJoinUrl(ctx: SchedulingContext, session: TrainingSession): Promise<string | null> {
  if (!session.online_join_url || !ctx.viewer || ctx.viewer.grants) return null;
  // ADMIN first: then nothing need be read.
  if (hasRole(ctx, 'ADMIN')) return session.online_join_url;
  const [trainer, registered] = await Promise.all([
    session.trainer_id ? ctx.loaders.trainerById.load(session.trainer_id) : null,
    ctx.loaders.viewerAttendsSession.load(session.id),
  ]);
  return registered || (trainer && isSelfOrRole(ctx, trainer.user_id)) ? session.online_join_url : null;
}

/** Share of a session's seats taken; ANALYST, ADMIN and ORGANIZER only. */
export function fillRate(ctx: SchedulingContext, session: TrainingSession): number {
  requireRole(ctx, 'ANALYST', 'ADMIN', 'ORGANIZER');
  return session.seats_taken / session.capacity;
}

/** A session's topics, in the order given. */
export const topicsOf = (ctx: SchedulingContext, session: TrainingSession) => ctx.loaders.topicsOfSession.load(session.id);

/** The longest a session may last. */
const MAX_SESSION_MS = 14 * 24 * 3600_000;
const MAX_TOPICS = 20;
const TRAINER_OVERLAP = 'training_sessions_trainer_overlap_excl';
const VENUE_OVERLAP = 'training_sessions_venue_overlap_excl';

/**
 * ADMIN and ORGANIZER put a session on the calendar. Every input is checked first; the course id
 * is taken as given (scheduling cannot read learning's catalogue). The database refuses a
 * session that overlaps another of its trainer or at its venue (exclusion constraints), also
 * when two requests race: that is CONFLICT naming which. A time the trainer has a coaching
 * session booked is CONFLICT too: coaching lives in another table, so the trainer's calendar
 * lock (also taken by bookCoachingSession) is held before looking, and a booking racing this
 * request either committed before the look or waits until this one has. The session, its
 * topics and `TrainingSessionScheduled` commit together.
 */
export async function scheduleTrainingSession(ctx: SchedulingContext, input: ScheduleSessionInput): Promise<TrainingSession> {
  requireRole(ctx, 'ADMIN', 'ORGANIZER');
  const courseId = parseId(input.courseId, 'input.courseId');
  const trainerId = parseId(input.trainerId, 'input.trainerId');
  const venueId = input.venueId == null ? null : parseId(input.venueId, 'input.venueId');
  const { startsAt, endsAt } = input;
  if (startsAt.getTime() <= Date.now()) throw badUserInput('"input.startsAt" must be in the future.', 'input.startsAt');
  if (endsAt <= startsAt) throw badUserInput('"input.endsAt" must be after "input.startsAt".', 'input.endsAt');
  if (endsAt.getTime() - startsAt.getTime() > MAX_SESSION_MS) throw badUserInput('A session lasts at most 14 days.', 'input.endsAt');
  const capacity = intInRange(input.capacity, 'input.capacity', 1, 1000);
  const joinUrl = input.onlineJoinUrl?.trim() ? webUrl(input.onlineJoinUrl, 'input.onlineJoinUrl') : null;
  if (!venueId && !joinUrl) throw badUserInput('An online session (no venue) needs "input.onlineJoinUrl".', 'input.onlineJoinUrl');
  const topicNames = textList(input.topics, 'input.topics', MAX_TOPICS, 100);
  const topicIds = idList(input.topicIds, 'input.topicIds', MAX_TOPICS);
  if (topicNames.length + topicIds.length > MAX_TOPICS) throw badUserInput(`A session covers at most ${MAX_TOPICS} topics.`, 'input.topics');

  const [trainer, venue] = await Promise.all([ctx.loaders.trainerById.load(trainerId), venueId ? ctx.loaders.venueById.load(venueId) : null]);
  if (!trainer) throw badUserInput('"input.trainerId" names no trainer.', 'input.trainerId');
  if (!trainer.is_active) throw badUserInput('The trainer does not take sessions now.', 'input.trainerId');
  const lapses = trainer.qualification_expires_at;
  if (lapses && lapses < endsAt) {
    throw badUserInput(`The trainer's qualification lapses at ${lapses.toISOString()}, before the session ends.`, 'input.trainerId');
  }
  if (venueId && (!venue || !venue.is_active)) throw badUserInput('"input.venueId" names no active venue.', 'input.venueId');
  if (venue?.capacity != null && capacity > venue.capacity) {
    throw badUserInput(`"input.capacity" is more than the venue holds (${venue.capacity}).`, 'input.capacity');
  }

  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await lockTrainerCalendar(trx, trainerId);
      if (await hasBookedCoachingBetween(trx, trainerId, startsAt, endsAt)) {
        throw new DomainError(ErrorCode.CONFLICT, 'The trainer has a coaching session booked at that time.', { field: 'input.trainerId' });
      }
      const session = await insertSession(trx, {
        course_id: courseId,
        venue_id: venueId,
        trainer_id: trainerId,
        starts_at: startsAt,
        ends_at: endsAt,
        capacity,
        online_join_url: joinUrl,
      });
      await insertSessionTopics(trx, [
        ...topicNames.map((name, i) => ({ session_id: session.id, position: i + 1, name, topic_id: null })),
        ...topicIds.map((topicId, i) => ({ session_id: session.id, position: topicNames.length + i + 1, name: null, topic_id: topicId })),
      ]);
      await publishTrainingSessionScheduled(trx, session, trainer);
      return session;
    });
  } catch (error) {
    if (isConstraintViolation(error, '23P01', TRAINER_OVERLAP)) {
      throw new DomainError(ErrorCode.CONFLICT, 'The trainer is already booked for a session at that time.', { field: 'input.trainerId' });
    }
    if (isConstraintViolation(error, '23P01', VENUE_OVERLAP)) {
      throw new DomainError(ErrorCode.CONFLICT, 'The venue is already booked for a session at that time.', { field: 'input.venueId' });
    }
    throw error;
  }
}

/**
 * ADMIN and ORGANIZER call a session off, with a reason. A session already cancelled, or over
 * (COMPLETED, or past its end), is CONFLICT: cancelling is not repeated. Its trainer and venue
 * are free again at once (the overlap rules ignore cancelled sessions).
 */
export async function cancelTrainingSession(ctx: SchedulingContext, args: MutationCancelTrainingSessionArgs): Promise<TrainingSession> {
  requireRole(ctx, 'ADMIN', 'ORGANIZER');
  const id = parseId(args.id);
  const reason = text(args.reason, 'reason', { max: 500 });
  return ctx.db.transaction().execute(async (trx) => {
    const session = await lockSession(trx, id);
    if (!session) throw notFound('No such training session.');
    if (session.status === 'CANCELLED') throw conflict('The session is cancelled already.');
    if (session.status === 'COMPLETED' || session.ends_at.getTime() <= Date.now()) throw conflict('The session is over; it cannot be cancelled.');
    return cancelSession(trx, session, reason);
  });
}

/**
 * The one place a session becomes CANCELLED, inside the caller's transaction (the session row
 * locked): what must happen with a cancellation is added here, so it commits with it.
 */
async function cancelSession(trx: Kysely<SchedulingDatabase>, session: TrainingSession, reason: string): Promise<TrainingSession> {
  // Every seat is released (each registration CANCELLED, with its event) before the session row is read back.
  await releaseSeatsOfCancelledSession(trx, session.id);
  const cancelled = await markSessionCancelled(trx, session.id, reason);
  await publishTrainingSessionCancelled(trx, cancelled);
  return cancelled;
}
