import type { SchedulingContext } from '../context.js';
import type { Trainer as TrainerRow } from '../db/database.js';
import { upcomingKey } from './upcoming.js';

export const Trainer = {
  __resolveReference: (ref: { id: string }, ctx: SchedulingContext) => ctx.loaders.trainerById.load(ref.id),
  user: (t: TrainerRow) => ({ __typename: 'User', id: t.user_id }),
  qualificationExpiresAt: (t: TrainerRow) => t.qualification_expires_at,
  isActive: (t: TrainerRow) => t.is_active,
  averageRating: (t: TrainerRow) => (t.rating_count === 0 ? null : Math.round((t.rating_sum / t.rating_count) * 100) / 100),
  upcomingSessions: (t: TrainerRow, args: { first?: number | null }, ctx: SchedulingContext) =>
    ctx.loaders.upcomingByTrainer.load(upcomingKey(t.id, args.first)),
};
