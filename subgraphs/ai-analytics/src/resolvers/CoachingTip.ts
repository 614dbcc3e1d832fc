import type { CoachingTipResolvers } from '../generated/graphql.js';

export const CoachingTip: CoachingTipResolvers = {
  topic: (tip) => ({ __typename: 'Topic', id: tip.topic_id }),
};
