import { loadRequired } from '@academy/service-kit';
import type { TrainerTimeOffResolvers } from '../generated/graphql.js';

export const TrainerTimeOff: TrainerTimeOffResolvers = {
  trainer: (t, _, ctx) => loadRequired(ctx.loaders.trainerById, t.trainer_id, 'trainer'),
  startsAt: (t) => t.starts_at,
  endsAt: (t) => t.ends_at,
};
