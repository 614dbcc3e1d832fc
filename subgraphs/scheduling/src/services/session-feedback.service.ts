import { badUserInput, conflict, forbidden, intInRange, notFound, parseId, requireViewer, type Viewer } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { SchedulingContext } from '../context.js';
import type { SchedulingDatabase } from '../db/database.js';
import type { MutationSubmitSessionFeedbackArgs } from '../generated/graphql.js';
import { findAttendanceOfUserAtSession } from '../repositories/attendance.repository.js';
import { lockCoachingSession } from '../repositories/coaching-session.repository.js';
import { addTrainerRating, insertSessionFeedback, type NewSessionFeedback } from '../repositories/session-feedback.repository.js';
import { lockSession } from '../repositories/training-session.repository.js';

/** Longest feedback comment, in characters, once trimmed. */
export const MAX_FEEDBACK_COMMENT = 2000;

/** The session a rating is about and the trainer it counts for. */
type FeedbackTarget = Pick<NewSessionFeedback, 'session' | 'trainerId'>;

/**
 * The coaching session `id` as something the viewer may rate, or null when no coaching session
 * has this id: its learner only, after it ended, unless it was cancelled or missed.
 */
async function coachingFeedbackTarget(trx: Kysely<SchedulingDatabase>, id: string, viewer: Viewer): Promise<FeedbackTarget | null> {
  const session = await lockCoachingSession(trx, id);
  if (!session) return null;
  if (session.learner_id !== viewer.userId) throw forbidden('Only the learner of a coaching session rates it.');
  if (session.status === 'CANCELLED' || session.status === 'NO_SHOW') throw conflict('This session did not take place.');
  if (session.ends_at.getTime() > Date.now()) throw conflict('A session is rated once it has ended.');
  return { session: { coachingSessionId: session.id }, trainerId: session.trainer_id };
}

/** Attendance statuses of someone who was there, and so may rate the session. */
const ATTENDED = new Set(['PRESENT', 'LATE', 'PARTIAL']);

/**
 * The training session `id` as something the viewer may rate, or null when no training session
 * has this id: those whose attendance was recorded as present, late or partial, once it ended,
 * unless it was cancelled. The rating counts for the session's trainer.
 */
async function trainingFeedbackTarget(trx: Kysely<SchedulingDatabase>, id: string, viewer: Viewer): Promise<FeedbackTarget | null> {
  const session = await lockSession(trx, id);
  if (!session) return null;
  if (session.status === 'CANCELLED') throw conflict('This session did not take place.');
  if (session.ends_at.getTime() > Date.now()) throw conflict('A session is rated once it has ended.');
  const attendance = await findAttendanceOfUserAtSession(trx, session.id, viewer.userId);
  if (!attendance || !ATTENDED.has(attendance.status)) throw forbidden('Only those who attended a session rate it.');
  if (!session.trainer_id) throw conflict('This session had no trainer to rate.');
  return { session: { trainingSessionId: session.id }, trainerId: session.trainer_id };
}

/**
 * Records the viewer's rating of a session and adds it to the trainer's rating sum and count in
 * the same transaction, so averageRating is always exact. A session is rated once: a second
 * rating is CONFLICT and changes nothing.
 */
export async function submitSessionFeedback(ctx: SchedulingContext, args: MutationSubmitSessionFeedbackArgs): Promise<boolean> {
  const viewer = requireViewer(ctx);
  const sessionId = parseId(args.sessionId, 'sessionId');
  const rating = intInRange(args.rating, 'rating', 1, 5);
  const comment = args.comment?.trim() || null;
  if (comment && comment.length > MAX_FEEDBACK_COMMENT) throw badUserInput(`"comment" may be at most ${MAX_FEEDBACK_COMMENT} characters long.`, 'comment');
  await ctx.db.transaction().execute(async (trx) => {
    const target = (await coachingFeedbackTarget(trx, sessionId, viewer)) ?? (await trainingFeedbackTarget(trx, sessionId, viewer));
    if (!target) throw notFound('No session has this ID.');
    const stored = await insertSessionFeedback(trx, { ...target, userId: viewer.userId, rating, comment });
    if (!stored) throw conflict('You have rated this session already.');
    await addTrainerRating(trx, target.trainerId, rating);
  });
  return true;
}
