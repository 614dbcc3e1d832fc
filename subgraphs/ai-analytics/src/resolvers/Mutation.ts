import type { MutationResolvers } from '../generated/graphql.js';
import { trackEvents } from '../services/analytics-event.service.js';
import { askAssistant } from '../services/assistant.service.js';

export const Mutation: MutationResolvers = {
  trackEvents: (_, args, ctx) => trackEvents(ctx, args),
  askAssistant: (_, args, ctx) => askAssistant(ctx, args),
};
