import type { SessionTopicResolvers } from '../generated/graphql.js';

export const SessionTopic: SessionTopicResolvers = {
  topic: (t) => (t.topic_id ? { __typename: 'Topic', id: t.topic_id } : null),
};
