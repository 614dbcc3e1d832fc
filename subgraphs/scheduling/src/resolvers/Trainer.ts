import type { TrainerResolvers } from '../generated/graphql.js';
import { averageRating, qualificationsOf } from '../services/trainer.service.js';
import { timeOffOf } from '../services/trainer-time-off.service.js';
import { upcomingSessions } from '../services/training-session.service.js';
import { workingHoursOf } from '../services/working-hours.service.js';

export const Trainer: TrainerResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.trainerById.load(ref.id),
  user: (t) => ({ __typename: 'User', id: t.user_id }),
  qualificationExpiresAt: (t) => t.qualification_expires_at,
  isActive: (t) => t.is_active,
  qualifications: (t, _, ctx) => qualificationsOf(ctx, t),
  averageRating: (t) => averageRating(t),
  upcomingSessions: (t, args, ctx) => upcomingSessions(ctx, 'trainer', t.id, args),
  timeZone: (t) => t.time_zone,
  workingHours: (t, _, ctx) => workingHoursOf(ctx, t),
  timeOff: (t, _, ctx) => timeOffOf(ctx, t),
};
