import { badUserInput, conflict, isSelfOrRole, notFound, parseId, requireSelfOrRole, requireViewer } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { Trainer, TrainerTimeOff } from '../db/database.js';
import type { MutationAddTrainerTimeOffArgs, MutationRemoveTrainerTimeOffArgs } from '../generated/graphql.js';
import { hasBookedCoachingBetween } from '../repositories/coaching-session.repository.js';
import { deleteTimeOff, insertTimeOff, lockTimeOff } from '../repositories/trainer-time-off.repository.js';
import { lockTrainerCalendar } from '../repositories/trainer.repository.js';
import { optionalText } from './input.js';

/** The longest one span of time off may be. */
export const MAX_TIME_OFF_DAYS = 366;
const DAY = 24 * 3600_000;

/** The trainer, for the trainer themself or ADMIN; NOT_FOUND or FORBIDDEN otherwise. */
async function trainerManagedByViewer(ctx: SchedulingContext, trainerId: string): Promise<Trainer> {
  requireViewer(ctx);
  const trainer = await ctx.loaders.trainerById.load(trainerId);
  if (!trainer) throw notFound('No trainer has this ID.');
  requireSelfOrRole(ctx, trainer.user_id, 'ADMIN');
  return trainer;
}

/**
 * Takes [from, to) off a trainer's coaching time: the trainer themself or ADMIN. It must end in
 * the future. A booked coaching session in it is CONFLICT (it is cancelled first, so nobody's
 * booking vanishes unannounced); the trainer's calendar lock makes that check and a racing
 * booking take turns, so no booking lands in time off committed before it.
 */
export async function addTrainerTimeOff(ctx: SchedulingContext, args: MutationAddTrainerTimeOffArgs): Promise<TrainerTimeOff> {
  const viewer = requireViewer(ctx);
  const trainerId = parseId(args.trainerId, 'trainerId');
  const { from, to } = args;
  if (to.getTime() <= from.getTime()) throw badUserInput('"to" must be after "from".', 'to');
  if (to.getTime() <= Date.now()) throw badUserInput('"to" must be in the future.', 'to');
  if (to.getTime() - from.getTime() > MAX_TIME_OFF_DAYS * DAY) throw badUserInput(`Time off spans at most ${MAX_TIME_OFF_DAYS} days.`, 'to');
  const reason = optionalText(args.reason, 'reason', 500);
  await trainerManagedByViewer(ctx, trainerId);
  const timeOff = await ctx.db.transaction().execute(async (trx) => {
    await lockTrainerCalendar(trx, trainerId);
    if (await hasBookedCoachingBetween(trx, trainerId, from, to)) {
      throw conflict('The trainer has coaching sessions booked in that time; cancel them first.');
    }
    return insertTimeOff(trx, { trainer_id: trainerId, starts_at: from, ends_at: to, reason, created_by: viewer.userId });
  });
  ctx.loaders.timeOffOfTrainer.clear(trainerId);
  return timeOff;
}

/** Gives time off back to coaching: the trainer themself or ADMIN. Answers the trainer. */
export async function removeTrainerTimeOff(ctx: SchedulingContext, args: MutationRemoveTrainerTimeOffArgs): Promise<Trainer> {
  requireViewer(ctx);
  const id = parseId(args.id);
  const trainer = await ctx.db.transaction().execute(async (trx) => {
    const timeOff = await lockTimeOff(trx, id);
    if (!timeOff) throw notFound('No time off has this ID.');
    const owner = await trainerManagedByViewer(ctx, timeOff.trainer_id);
    await deleteTimeOff(trx, id);
    return owner;
  });
  ctx.loaders.timeOffOfTrainer.clear(trainer.id);
  return trainer;
}

/** A trainer's time off not yet ended: to the trainer themself and ADMIN; anyone else sees none (the reasons are personal). */
export async function timeOffOf(ctx: SchedulingContext, trainer: Trainer): Promise<TrainerTimeOff[]> {
  if (!ctx.viewer || ctx.viewer.grants || !isSelfOrRole(ctx, trainer.user_id, 'ADMIN')) return [];
  return ctx.loaders.timeOffOfTrainer.load(trainer.id);
}
