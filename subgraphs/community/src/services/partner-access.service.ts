import { forbidden, grantsCover, type PartnerGrants } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { ChatRoom, ChatRoomMember } from '../db/database.js';

// A partner client (an access token from POST /oauth/token) is no member of any room: what it
// may reach is the grants its token carries, rooms by id or by kind. It reads and posts in
// those rooms as a member would; everything else refuses it (requireViewer without `partners`).

/** The grants of the partner client calling, or null for anyone else. */
export function partnerGrantsOf(ctx: Pick<CommunityContext, 'viewer'>): PartnerGrants | null {
  return ctx.viewer?.grants ?? null;
}

/**
 * The room, when the partner's grants cover it; FORBIDDEN otherwise, for a room that does not
 * exist as well (which rooms exist is none of its business).
 */
export async function requireGrantedRoom(ctx: CommunityContext, grants: PartnerGrants, roomId: string): Promise<ChatRoom> {
  const room = await ctx.loaders.roomById.load(roomId);
  if (!room || !grantsCover(grants, room)) throw forbidden('This partner client is not granted this room.');
  return room;
}

/** What a partner's grant of a room stands in for: a MEMBER's membership since the room began. */
export function grantedMembership(room: ChatRoom, clientId: string): ChatRoomMember {
  return { room_id: room.id, user_id: clientId, role: 'MEMBER', joined_at: room.created_at, last_read_sequence: 0 };
}
