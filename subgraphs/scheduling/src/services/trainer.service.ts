import { badUserInput, conflict, isSelfOrRole, parseId, requireRole, text } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { Trainer, UserReference } from '../db/database.js';
import type { QueryTrainerArgs, TrainerProfileInput } from '../generated/graphql.js';
import { findActiveTrainers, insertQualifications, insertTrainer } from '../repositories/trainer.repository.js';
import { isConstraintViolation, optionalText, textList } from './input.js';

/** Every active trainer, longest-standing first. */
export const activeTrainers = (ctx: SchedulingContext): Promise<Trainer[]> => findActiveTrainers(ctx.db);

/** One trainer by id. */
export const findTrainer = (ctx: SchedulingContext, args: QueryTrainerArgs) => ctx.loaders.trainerById.load(parseId(args.id));

/** A trainer's average feedback rating to two decimals; null before any feedback. */
export const averageRating = (trainer: Trainer) =>
  trainer.rating_count === 0 ? null : Math.round((trainer.rating_sum / trainer.rating_count) * 100) / 100;

/** A user's trainer profile, for the user themself and ADMIN; null for anyone else and for non-trainers. */
export async function trainerProfileOf(ctx: SchedulingContext, user: UserReference): Promise<Trainer | null> {
  if (!isSelfOrRole(ctx, user.id, 'ADMIN')) return null;
  return ctx.loaders.trainerByUserId.load(user.id);
}

/** A trainer's qualifications, soonest to lapse first. */
export const qualificationsOf = (ctx: SchedulingContext, trainer: Trainer) => ctx.loaders.qualificationsOfTrainer.load(trainer.id);

const MAX_QUALIFICATIONS = 20;

/**
 * ADMIN makes a user a trainer, with the qualifications given, in one transaction. The user id
 * is taken as given (identity's users are not readable here); one profile per user (CONFLICT).
 */
export async function createTrainerProfile(ctx: SchedulingContext, args: { userId: string; input: TrainerProfileInput }): Promise<Trainer> {
  requireRole(ctx, 'ADMIN');
  const userId = parseId(args.userId, 'userId');
  const { input } = args;
  const now = Date.now();
  const qualifications = (input.qualifications ?? []).map((q, i) => {
    const field = `input.qualifications.${i}`;
    if (q.issuedAt.getTime() > now) throw badUserInput(`"${field}.issuedAt" must not be in the future.`, `${field}.issuedAt`);
    if (q.expiresAt && q.expiresAt <= q.issuedAt) throw badUserInput(`"${field}.expiresAt" must be after issuedAt.`, `${field}.expiresAt`);
    return { name: text(q.name, `${field}.name`, { max: 200 }), issued_at: q.issuedAt, expires_at: q.expiresAt ?? null };
  });
  if (qualifications.length > MAX_QUALIFICATIONS) throw badUserInput(`"input.qualifications" may hold at most ${MAX_QUALIFICATIONS} entries.`, 'input.qualifications');
  const values = {
    user_id: userId,
    bio: optionalText(input.bio, 'input.bio', 5000),
    specializations: textList(input.specializations, 'input.specializations', 20, 100),
    qualification_expires_at: input.qualificationExpiresAt ?? null,
  };
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const trainer = await insertTrainer(trx, values);
      await insertQualifications(trx, qualifications.map((q) => ({ ...q, trainer_id: trainer.id })));
      return trainer;
    });
  } catch (error) {
    if (isConstraintViolation(error, '23505', 'trainers_user_key')) throw conflict('This user has a trainer profile already.');
    throw error;
  }
}
