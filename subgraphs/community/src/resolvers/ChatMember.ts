import type { ChatMemberResolvers } from '../generated/graphql.js';

export const ChatMember: ChatMemberResolvers = {
  user: (m) => ({ __typename: 'User', id: m.user_id }),
  joinedAt: (m) => m.joined_at,
};
