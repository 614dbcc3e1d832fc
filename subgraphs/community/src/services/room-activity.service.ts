import { parseId, requireViewer } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { MutationSetRoomActivityArgs, SubscriptionRoomActivityArgs } from '../generated/graphql.js';
import type { ActivityEvent } from '../live/room-signals.js';
import { roomAccessError, viewerIsMember } from './chat-room.service.js';

/**
 * Tells the room what the viewer is doing (members only). Nothing is stored: the state goes
 * to the room's roomActivity subscribers through pub/sub. false when the throttle dropped it.
 */
export async function setRoomActivity(ctx: CommunityContext, args: MutationSetRoomActivityArgs): Promise<boolean> {
  const viewer = requireViewer(ctx);
  const roomId = parseId(args.roomId, 'roomId');
  if (!(await viewerIsMember(ctx, roomId))) throw await roomAccessError(ctx, roomId);
  if (!ctx.live.admitActivity(roomId, viewer.userId, args.state)) return false;
  await ctx.live.activityAnnounced(roomId, viewer.userId, args.state);
  return true;
}

/** A member's feed of the room's activity (FORBIDDEN for others); while it is open, the member is in the room. */
export function activityFeed(ctx: CommunityContext, args: SubscriptionRoomActivityArgs): Promise<AsyncIterableIterator<ActivityEvent>> {
  const viewer = requireViewer(ctx);
  return ctx.live.activityFeed(parseId(args.roomId, 'roomId'), viewer.userId);
}
