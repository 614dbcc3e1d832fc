import type { QueryResolvers } from '../generated/graphql.js';
import { activeUsers, eventCounts, funnel } from '../services/analytics-figures.service.js';
import { analyticsReport, analyticsReports } from '../services/analytics-report.service.js';
import { conversationById, myConversations } from '../services/assistant.service.js';
import { usageDays } from '../services/usage.service.js';
import { eventTasks } from '../services/event-task.service.js';

export const Query: QueryResolvers = {
  aiConversations: (_, _args, ctx) => myConversations(ctx),
  aiConversation: (_, args, ctx) => conversationById(ctx, args.id),
  aiUsage: (_, args, ctx) => usageDays(ctx, args),
  eventTasks: (_, args, ctx) => eventTasks(ctx, args.eventId, args.includeProposed ?? false),
  activeUsers: (_, args, ctx) => activeUsers(ctx, args),
  eventCounts: (_, args, ctx) => eventCounts(ctx, args),
  funnel: (_, args, ctx) => funnel(ctx, args),
  analyticsReports: (_, args, ctx) => analyticsReports(ctx, args),
  analyticsReport: (_, args, ctx) => analyticsReport(ctx, args.id),
};
