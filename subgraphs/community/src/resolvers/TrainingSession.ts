import type { CommunityContext } from '../context.js';
import { viewerIsMember } from './membership.js';

export const TrainingSession = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  /** The session's room, for its members only (the trainer and registered learners are its members). */
  async chatRoom(session: { id: string }, _: unknown, ctx: CommunityContext) {
    if (!ctx.viewer) return null;
    const room = await ctx.loaders.roomBySession.load(session.id);
    return room && (await viewerIsMember(ctx, room.id)) ? room : null;
  },
};
