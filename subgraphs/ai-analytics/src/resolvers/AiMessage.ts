import type { AiMessageResolvers } from '../generated/graphql.js';

export const AiMessage: AiMessageResolvers = {
  conversationId: (m) => m.conversation_id,
  createdAt: (m) => m.created_at,
  tokenCount: (m) => m.token_count,
  citations: (m) => m.citations.map((id) => ({ __typename: 'Course' as const, id })),
};
