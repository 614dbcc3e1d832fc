import { requireSelfOrRole } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';

export const User = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  /** A user's rooms are theirs alone to list. */
  chatRooms(user: { id: string }, _: unknown, ctx: CommunityContext) {
    requireSelfOrRole(ctx, user.id);
    return ctx.loaders.roomsByUser.load(user.id);
  },
};
