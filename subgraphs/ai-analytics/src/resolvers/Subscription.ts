import type { SubscriptionResolvers } from '../generated/graphql.js';
import { askAssistantStream, type AssistantReplyEventModel } from '../services/assistant.service.js';

export const Subscription: SubscriptionResolvers = {
  askAssistantStream: {
    /** The checks (sign-in, input, owner, quota) run before the stream starts: a refusal is the subscription's error. */
    subscribe: (_, args, ctx) => askAssistantStream(ctx, args),
    // A model failure arrives as an event carrying it: thrown here, it reaches the client as this event's error.
    resolve: (event: AssistantReplyEventModel) => {
      if ('error' in event) throw event.error;
      return event;
    },
  },
};
