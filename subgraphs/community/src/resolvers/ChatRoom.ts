import type { CommunityContext } from '../context.js';
import type { ChatRoom as RoomRow, ChatRoomMember } from '../db/database.js';
import { viewerIsMember } from './membership.js';

export const ChatRoom = {
  /** Only members resolve a room, whichever subgraph refers to it. */
  async __resolveReference(ref: { id: string }, ctx: CommunityContext) {
    const room = await ctx.loaders.roomById.load(ref.id);
    return room && (await viewerIsMember(ctx, room.id)) ? room : null;
  },
  members: (r: RoomRow, _: unknown, ctx: CommunityContext) => ctx.loaders.membersByRoom.load(r.id),
  createdAt: (r: RoomRow) => r.created_at,
  session: (r: RoomRow) => (r.session_id ? { __typename: 'TrainingSession', id: r.session_id } : null),
};

export const ChatMember = {
  user: (m: ChatRoomMember) => ({ __typename: 'User', id: m.user_id }),
  joinedAt: (m: ChatRoomMember) => m.joined_at,
};
