import type { QueryResolvers } from '../generated/graphql.js';
import { conversationById, myConversations } from '../services/assistant.service.js';
import { usageDays } from '../services/usage.service.js';

import { eventTasks } from '../services/event-task.service.js';

export const Query: QueryResolvers = {
  aiConversations: (_, _args, ctx) => myConversations(ctx),
  aiConversation: (_, args, ctx) => conversationById(ctx, args.id),
  aiUsage: (_, args, ctx) => usageDays(ctx, args),
  eventTasks: (_, args, ctx) => eventTasks(ctx, args.eventId, args.includeProposed ?? false),
};
