import type { AiConversationResolvers } from '../generated/graphql.js';
import { messagesOf } from '../services/assistant.service.js';

export const AiConversation: AiConversationResolvers = {
  createdAt: (c) => c.created_at,
  updatedAt: (c) => c.updated_at,
  messages: (c, _, ctx) => messagesOf(ctx, c),
};
