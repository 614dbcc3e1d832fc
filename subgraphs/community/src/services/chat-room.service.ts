import { badUserInput, conflict, forbidden, notFound, parseId, requireViewer, text } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { ChatMemberRole, ChatRoom, ChatRoomKind, Notification } from '../db/database.js';
import {
  addMembers,
  advanceReadPointer,
  countOwners,
  deleteMember,
  findDirectRoom,
  findMembership,
  insertDirectRoomIfAbsent,
  insertRoom,
  lockRoom,
  roomExists,
  updateMemberRole,
} from '../repositories/chat-room.repository.js';
import { insertNotifications } from '../repositories/notification.repository.js';
import { memberAddedNotifications } from './notification.service.js';

/** Most members createChatRoom takes at once. */
export const MAX_NEW_ROOM_MEMBERS = 500;

/** Kinds a user may create with createChatRoom: direct chats have openDirectChat, session rooms come from scheduling. */
const CREATABLE_KINDS: readonly ChatRoomKind[] = ['GROUP', 'COACHING'];

const MANAGERS: readonly ChatMemberRole[] = ['OWNER', 'MODERATOR'];

/** createChatRoom's input, as GraphQL passes it. */
export interface CreateChatRoomInput {
  name: string;
  kind: ChatRoomKind;
  memberIds: readonly string[];
}

/** NOT_FOUND for a room that does not exist, FORBIDDEN for one the viewer may not act in. */
export async function roomAccessError(ctx: CommunityContext, roomId: string): Promise<Error> {
  return (await roomExists(ctx.db, roomId)) ? forbidden('Only members of the room may do this.') : notFound('No such chat room.');
}

/** The per-request caches that a change of the room's membership makes stale. */
function forgetRoom(ctx: CommunityContext, roomId: string): void {
  ctx.loaders.membersByRoom.clear(roomId);
  ctx.loaders.viewerMembershipByRoom.clear(roomId);
  ctx.loaders.unreadCountByRoom.clear(roomId);
  ctx.loaders.roomsByUser.clearAll();
}

/** Opens a GROUP or COACHING room: the viewer becomes OWNER, the others MEMBERs, each told in the same transaction. */
export async function createChatRoom(ctx: CommunityContext, input: CreateChatRoomInput): Promise<ChatRoom> {
  const viewer = requireViewer(ctx);
  const name = text(input.name, 'name', { max: 120 });
  if (!CREATABLE_KINDS.includes(input.kind)) {
    throw badUserInput('"kind" must be GROUP or COACHING: direct chats are opened with openDirectChat, session rooms by scheduling.', 'kind');
  }
  if (input.memberIds.length < 1 || input.memberIds.length > MAX_NEW_ROOM_MEMBERS) {
    throw badUserInput(`"memberIds" must list 1 to ${MAX_NEW_ROOM_MEMBERS} users.`, 'memberIds');
  }
  // Whether the users exist is identity's to know: any well-formed id is accepted.
  const others = [...new Set(input.memberIds.map((id) => parseId(id, 'memberIds')))].filter((id) => id !== viewer.userId);

  const { room, notifications } = await ctx.db.transaction().execute(async (trx) => {
    const room = await insertRoom(trx, { name, kind: input.kind, createdBy: viewer.userId });
    await addMembers(trx, room.id, [{ userId: viewer.userId, role: 'OWNER' }, ...others.map((userId) => ({ userId, role: 'MEMBER' as const }))]);
    const notifications = await insertNotifications(trx, memberAddedNotifications(room, others, viewer.userId));
    return { room, notifications };
  });
  await ctx.live.notificationsCreated(notifications);
  ctx.loaders.roomById.prime(room.id, room);
  forgetRoom(ctx, room.id);
  return room;
}

/**
 * The direct room of the viewer and `userId`, created on first use. Concurrent calls for one
 * pair meet on the pair's unique key: one creates the room, the others wait for it and find it.
 * Either of the two who had left the room is added back.
 */
export async function openDirectChat(ctx: CommunityContext, userIdArg: string): Promise<ChatRoom> {
  const viewer = requireViewer(ctx);
  const other = parseId(userIdArg, 'userId');
  if (other === viewer.userId) throw badUserInput('A direct chat needs another user.', 'userId');

  const { room, notifications } = await ctx.db.transaction().execute(async (trx) => {
    const room = (await insertDirectRoomIfAbsent(trx, viewer.userId, other)) ?? (await findDirectRoom(trx, viewer.userId, other));
    if (!room) throw new Error(`the direct room of ${viewer.userId} and ${other} was neither created nor found`);
    const added = await addMembers(trx, room.id, [
      { userId: viewer.userId, role: 'MEMBER' },
      { userId: other, role: 'MEMBER' },
    ]);
    const told = added.map((m) => m.user_id).filter((id) => id !== viewer.userId);
    const notifications = await insertNotifications(trx, memberAddedNotifications(room, told, viewer.userId));
    return { room, notifications };
  });
  await ctx.live.notificationsCreated(notifications);
  ctx.loaders.roomById.prime(room.id, room);
  forgetRoom(ctx, room.id);
  return room;
}

/**
 * Adds a member (or changes a member's role). OWNER and MODERATOR add members; only an OWNER
 * grants MODERATOR or OWNER or changes a role, and the last OWNER keeps theirs.
 */
export async function addChatMember(
  ctx: CommunityContext,
  args: { roomId: string; userId: string; role?: ChatMemberRole | null },
): Promise<ChatRoom> {
  const viewer = requireViewer(ctx);
  const roomId = parseId(args.roomId, 'roomId');
  const userId = parseId(args.userId, 'userId');
  const role = args.role ?? 'MEMBER';

  const { room, notifications } = await ctx.db.transaction().execute(async (trx) => {
    const room = await lockRoom(trx, roomId);
    if (!room) throw notFound('No such chat room.');
    const actor = await findMembership(trx, roomId, viewer.userId);
    if (!actor || !MANAGERS.includes(actor.role)) throw forbidden('Only an OWNER or MODERATOR of the room adds members.');
    if (room.kind === 'DIRECT') throw badUserInput('A direct chat is for its two users only.', 'roomId');
    if (role !== 'MEMBER' && actor.role !== 'OWNER') throw forbidden('Only an OWNER of the room makes MODERATORs and OWNERs.');

    const target = await findMembership(trx, roomId, userId);
    if (target) {
      if (target.role === role) return { room, notifications: [] as Notification[] };
      if (actor.role !== 'OWNER') throw forbidden("Only an OWNER of the room changes a member's role.");
      if (target.role === 'OWNER' && (await countOwners(trx, roomId)) === 1) throw conflict('The room must keep an OWNER.');
      await updateMemberRole(trx, roomId, userId, role);
      return { room, notifications: [] as Notification[] };
    }
    await addMembers(trx, roomId, [{ userId, role }]);
    const notifications = await insertNotifications(trx, memberAddedNotifications(room, [userId], viewer.userId));
    return { room, notifications };
  });
  await ctx.live.notificationsCreated(notifications);
  forgetRoom(ctx, roomId);
  return room;
}

/**
 * Removes a member: anyone may leave; an OWNER removes anyone, a MODERATOR only MEMBERs; the
 * last OWNER stays (CONFLICT). Removing a non-member changes nothing. The removed member's live
 * feeds of the room end at once.
 */
export async function removeChatMember(ctx: CommunityContext, args: { roomId: string; userId: string }): Promise<ChatRoom> {
  const viewer = requireViewer(ctx);
  const roomId = parseId(args.roomId, 'roomId');
  const userId = parseId(args.userId, 'userId');

  const { room, removed } = await ctx.db.transaction().execute(async (trx) => {
    const room = await lockRoom(trx, roomId);
    if (!room) throw notFound('No such chat room.');
    const actor = await findMembership(trx, roomId, viewer.userId);
    if (!actor) throw forbidden('Only members of the room may do this.');
    const target = userId === viewer.userId ? actor : await findMembership(trx, roomId, userId);
    if (!target) return { room, removed: false };
    if (target !== actor && !(actor.role === 'OWNER' || (actor.role === 'MODERATOR' && target.role === 'MEMBER'))) {
      throw forbidden('An OWNER removes anyone, a MODERATOR only MEMBERs.');
    }
    if (target.role === 'OWNER' && (await countOwners(trx, roomId)) === 1) {
      throw conflict('The last OWNER cannot be removed: make another member OWNER first.');
    }
    await deleteMember(trx, roomId, userId);
    return { room, removed: true };
  });
  if (removed) await ctx.live.memberRemoved(roomId, userId);
  forgetRoom(ctx, roomId);
  return room;
}

/** Moves the viewer's read pointer of the room forward to `upToSequence` (never backwards, never past the newest message). */
export async function markRoomRead(ctx: CommunityContext, args: { roomId: string; upToSequence: number }): Promise<ChatRoom> {
  const viewer = requireViewer(ctx);
  const roomId = parseId(args.roomId, 'roomId');
  if (!Number.isInteger(args.upToSequence) || args.upToSequence < 0) {
    throw badUserInput('"upToSequence" must be a sequence number (0 or more).', 'upToSequence');
  }
  if (!(await advanceReadPointer(ctx.db, roomId, viewer.userId, args.upToSequence))) throw await roomAccessError(ctx, roomId);
  ctx.loaders.unreadCountByRoom.clear(roomId);
  const room = await ctx.loaders.roomById.load(roomId);
  if (!room) throw notFound('No such chat room.');
  return room;
}
