import { sql, type Kysely } from 'kysely';
import type { SchedulingDatabase } from '../db/database.js';

/** A rating to store: on exactly one session (coaching or training), of the trainer who ran it. */
export interface NewSessionFeedback {
  userId: string;
  session: { coachingSessionId: string } | { trainingSessionId: string };
  trainerId: string;
  rating: number;
  comment: string | null;
}

/** Stores the feedback; false when this user has rated this session already (nothing changes then). */
export async function insertSessionFeedback(trx: Kysely<SchedulingDatabase>, feedback: NewSessionFeedback): Promise<boolean> {
  const row = await trx
    .insertInto('scheduling.session_feedback')
    .values({
      user_id: feedback.userId,
      coaching_session_id: 'coachingSessionId' in feedback.session ? feedback.session.coachingSessionId : null,
      training_session_id: 'trainingSessionId' in feedback.session ? feedback.session.trainingSessionId : null,
      trainer_id: feedback.trainerId,
      rating: feedback.rating,
      comment: feedback.comment,
    })
    // Both unique keys (user, coaching session) and (user, training session) count as "rated already".
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Adds one rating to the trainer's exact sum and count. */
export async function addTrainerRating(trx: Kysely<SchedulingDatabase>, trainerId: string, rating: number): Promise<void> {
  await trx
    .updateTable('scheduling.trainers')
    .set({ rating_sum: sql<number>`rating_sum + ${rating}`, rating_count: sql<number>`rating_count + 1` })
    .where('id', '=', trainerId)
    .execute();
}
