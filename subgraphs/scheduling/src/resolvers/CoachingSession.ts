import { loadRequired } from '@academy/service-kit';
import type { CoachingSessionResolvers } from '../generated/graphql.js';
import { coachingStatus, meetingUrl } from '../services/coaching.service.js';

export const CoachingSession: CoachingSessionResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.coachingSessionById.load(ref.id),
  coach: (c, _, ctx) => loadRequired(ctx.loaders.trainerById, c.trainer_id, 'trainer'),
  learner: (c) => ({ __typename: 'User', id: c.learner_id }),
  startsAt: (c) => c.starts_at,
  endsAt: (c) => c.ends_at,
  status: (c) => coachingStatus(c),
  /** For the session's learner and coach only. */
  meetingUrl: (c, _, ctx) => meetingUrl(ctx, c),
};
