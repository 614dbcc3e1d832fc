import type { EventResolvers } from '../generated/graphql.js';
import { eventTaskList } from '../services/event-task.service.js';

export const Event: EventResolvers = {
  __resolveReference: (ref) => ({ __typename: 'Event', id: ref.id }),
  tasks: (event, _, ctx) => eventTaskList(ctx, event.id),
};
