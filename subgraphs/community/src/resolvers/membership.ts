import type { CommunityContext } from '../context.js';

/** Whether the viewer is a member of the room (batched across rooms within a request). */
export async function viewerIsMember(ctx: CommunityContext, roomId: string): Promise<boolean> {
  if (!ctx.viewer) return false;
  return (await ctx.loaders.viewerMembershipByRoom.load(roomId)) !== null;
}
