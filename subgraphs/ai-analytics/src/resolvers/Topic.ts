import type { TopicResolvers } from '../generated/graphql.js';
import { topicCoachingTips } from '../services/coaching-tip.service.js';

export const Topic: TopicResolvers = {
  __resolveReference: (ref) => ({ __typename: 'Topic', id: ref.id }),
  coachingTips: (topic, _, ctx) => topicCoachingTips(ctx, topic.id),
};
