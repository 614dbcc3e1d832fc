import type { MutationResolvers } from '../generated/graphql.js';
import { trackEvents } from '../services/analytics-event.service.js';
import { createAnalyticsReport, deleteAnalyticsReport, refreshAnalyticsReport } from '../services/analytics-report.service.js';
import { askAssistant } from '../services/assistant.service.js';

import { generateCoachingTips } from '../services/coaching-tip.service.js';
import { acceptEventTask, proposeEventTasks } from '../services/event-task.service.js';

export const Mutation: MutationResolvers = {
  trackEvents: (_, args, ctx) => trackEvents(ctx, args),
  createAnalyticsReport: (_, args, ctx) => createAnalyticsReport(ctx, args.input),
  refreshAnalyticsReport: (_, args, ctx) => refreshAnalyticsReport(ctx, args.id),
  deleteAnalyticsReport: (_, args, ctx) => deleteAnalyticsReport(ctx, args.id),
  generateCoachingTips: (_, args, ctx) => generateCoachingTips(ctx, args),
  proposeEventTasks: (_, args, ctx) => proposeEventTasks(ctx, args.eventId),
  acceptEventTask: (_, args, ctx) => acceptEventTask(ctx, args.id),
  askAssistant: (_, args, ctx) => askAssistant(ctx, args),
};
