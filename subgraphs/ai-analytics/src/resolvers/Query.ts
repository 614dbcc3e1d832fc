import type { QueryResolvers } from '../generated/graphql.js';
import { eventTasks } from '../services/event-task.service.js';

export const Query: QueryResolvers = {
  eventTasks: (_, args, ctx) => eventTasks(ctx, args.eventId, args.includeProposed ?? false),
};
