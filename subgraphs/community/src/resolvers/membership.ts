import type { CommunityContext } from '../context.js';

/** Whether the viewer is a member of the room. */
export async function viewerIsMember(ctx: CommunityContext, roomId: string): Promise<boolean> {
  if (!ctx.viewer) return false;
  const members = await ctx.loaders.membersByRoom.load(roomId);
  return members.some((m) => m.user_id === ctx.viewer!.userId);
}
