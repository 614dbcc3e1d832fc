import type { RoomActivityResolvers } from '../generated/graphql.js';

export const RoomActivity: RoomActivityResolvers = {
  user: (a) => ({ __typename: 'User', id: a.userId }),
};
