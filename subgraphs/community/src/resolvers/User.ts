import type { UserResolvers } from '../generated/graphql.js';
import { roomsOfUser } from '../services/chat-room.service.js';
import { notificationConnection, unreadNotificationCount } from '../services/notification.service.js';

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ __typename: 'User', id: ref.id }),
  /** A user's rooms are theirs alone to list. */
  chatRooms: (user, _, ctx) => roomsOfUser(ctx, user.id),
  /** A user's notifications are theirs alone, not even ADMIN's to read. */
  notifications: (user, args, ctx) => notificationConnection(ctx, user.id, args),
  unreadNotificationCount: (user, _, ctx) => unreadNotificationCount(ctx, user.id),
};
