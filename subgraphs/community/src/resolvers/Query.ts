import { parseId, requireViewer } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import { viewerIsMember } from './membership.js';

export const Query = {
  /** null both for a missing room and for a room the viewer is not in: membership is not disclosed. */
  async chatRoom(_: unknown, args: { id: string }, ctx: CommunityContext) {
    requireViewer(ctx);
    const id = parseId(args.id);
    const room = await ctx.loaders.roomById.load(id);
    return room && (await viewerIsMember(ctx, id)) ? room : null;
  },
};
