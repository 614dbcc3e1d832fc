import { parseId } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { Trainer } from '../db/database.js';
import type { QueryTrainerArgs } from '../generated/graphql.js';
import { findActiveTrainers } from '../repositories/trainer.repository.js';

/** Every active trainer, longest-standing first. */
export const activeTrainers = (ctx: SchedulingContext): Promise<Trainer[]> => findActiveTrainers(ctx.db);

/** One trainer by id. */
export const findTrainer = (ctx: SchedulingContext, args: QueryTrainerArgs) => ctx.loaders.trainerById.load(parseId(args.id));

/** A trainer's average feedback rating to two decimals; null before any feedback. */
export const averageRating = (trainer: Trainer) =>
  trainer.rating_count === 0 ? null : Math.round((trainer.rating_sum / trainer.rating_count) * 100) / 100;
