import type { ChatMemberResolvers } from '../generated/graphql.js';
import { mutedUntilOf } from '../services/chat-moderation.service.js';

export const ChatMember: ChatMemberResolvers = {
  user: (m) => ({ __typename: 'User', id: m.user_id }),
  joinedAt: (m) => m.joined_at,
  mutedUntil: (m, _, ctx) => mutedUntilOf(ctx, m),
};
