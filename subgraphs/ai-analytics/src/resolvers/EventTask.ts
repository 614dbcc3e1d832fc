import type { EventTaskResolvers } from '../generated/graphql.js';

export const EventTask: EventTaskResolvers = {
  event: (task) => ({ __typename: 'Event', id: task.event_id }),
  dueAt: (task) => task.due_at,
  acceptedAt: (task) => task.accepted_at,
};
