import type { TrainingSessionResolvers } from '../generated/graphql.js';
import { sessionRoom } from '../services/chat-room.service.js';

export const TrainingSession: TrainingSessionResolvers = {
  __resolveReference: (ref) => ({ __typename: 'TrainingSession', id: ref.id }),
  /** The session's room, for its members only (the trainer and registered learners are its members). */
  chatRoom: (session, _, ctx) => sessionRoom(ctx, session.id),
};
