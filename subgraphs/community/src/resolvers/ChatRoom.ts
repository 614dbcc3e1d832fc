import { badUserInput, decodeCursor, encodeCursor, MAX_PAGE_SIZE } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { ChatMessage, ChatRoom as RoomRow, ChatRoomMember } from '../db/database.js';
import { viewerIsMember } from './membership.js';

/** Messages a page holds when `last` is not given. */
export const DEFAULT_MESSAGE_PAGE = 50;

/** A message's place in its room's history: its sequence. */
type MessageCursor = [number];
const isMessageCursor = (value: unknown): value is MessageCursor =>
  Array.isArray(value) && value.length === 1 && Number.isSafeInteger(value[0]) && (value[0] as number) > 0;

/** The arguments of ChatRoom.messages. */
export interface MessagesArgs {
  last?: number | null;
  before?: string | null;
}

/** Which page `messages` asks for; BAD_USER_INPUT for a negative `last` or a foreign cursor. */
export function messagePageOf(args: MessagesArgs): { before: number | null; limit: number } {
  const last = args.last ?? DEFAULT_MESSAGE_PAGE;
  if (!Number.isInteger(last) || last < 0) throw badUserInput('"last" must be 0 or more.', 'last');
  return { limit: Math.min(last, MAX_PAGE_SIZE), before: args.before ? decodeCursor(args.before, isMessageCursor, 'before')[0] : null };
}

export const ChatRoom = {
  /** Only members resolve a room, whichever subgraph refers to it. */
  async __resolveReference(ref: { id: string }, ctx: CommunityContext) {
    const room = await ctx.loaders.roomById.load(ref.id);
    return room && (await viewerIsMember(ctx, room.id)) ? room : null;
  },
  members: (r: RoomRow, _: unknown, ctx: CommunityContext) => ctx.loaders.membersByRoom.load(r.id),
  /**
   * History, newest last, read backwards from `before`. Rooms are resolved for members only,
   * but a mutation may hand back a room its caller just left: history stays members-only.
   */
  async messages(r: RoomRow, args: MessagesArgs, ctx: CommunityContext) {
    const { before, limit } = messagePageOf(args);
    const rows: ChatMessage[] = (await viewerIsMember(ctx, r.id)) ? await ctx.loaders.messagePage.load({ roomId: r.id, before, limit }) : [];
    const page = rows.slice(0, limit).reverse();
    for (const message of page) ctx.loaders.messageById.prime(message.id, message);
    const edges = page.map((node) => ({ cursor: encodeCursor([node.sequence] satisfies MessageCursor), node }));
    return {
      edges,
      pageInfo: {
        // The extra row read tells that older messages exist; the message a cursor came from
        // (and any after it) always exists, messages being deleted in place only.
        hasPreviousPage: rows.length > limit,
        hasNextPage: before !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  },
  async lastMessage(r: RoomRow, _: unknown, ctx: CommunityContext) {
    return (await viewerIsMember(ctx, r.id)) ? ctx.loaders.lastMessageByRoom.load(r.id) : null;
  },
  unreadCount: (r: RoomRow, _: unknown, ctx: CommunityContext) => ctx.loaders.unreadCountByRoom.load(r.id),
  createdAt: (r: RoomRow) => r.created_at,
  session: (r: RoomRow) => (r.session_id ? { __typename: 'TrainingSession', id: r.session_id } : null),
};

export const ChatMember = {
  user: (m: ChatRoomMember) => ({ __typename: 'User', id: m.user_id }),
  joinedAt: (m: ChatRoomMember) => m.joined_at,
};
