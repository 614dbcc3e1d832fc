import type { UserResolvers } from '../generated/graphql.js';
import { ordersOfUser } from '../services/order.service.js';

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ __typename: 'User', id: ref.id }),
  /** The user and ADMIN only; anybody else gets an empty connection. */
  orders: (user, args, ctx) => ordersOfUser(ctx, user, args),
};
