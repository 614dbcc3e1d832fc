import { badUserInput, conflict, forbidden, loadRequired, notFound, parseId, requireSelfOrRole, requireViewer, text } from '@academy/service-kit';
import type { FieldNode } from 'graphql';
import type { CommunityContext } from '../context.js';
import type { ChatMemberRole, ChatMessage, ChatRoom, ChatRoomKind, ChatRoomModel, Notification, TrainingSessionReference } from '../db/database.js';
import type {
  MutationAddChatMemberArgs,
  MutationCreateChatRoomArgs,
  MutationMarkRoomReadArgs,
  MutationOpenDirectChatArgs,
  MutationRemoveChatMemberArgs,
  QueryChatRoomArgs,
} from '../generated/graphql.js';
import type { MessagePage } from '../repositories/chat-message.repository.js';
import {
  addMembers,
  advanceReadPointer,
  countOwners,
  deleteMember,
  findDirectRoom,
  findMembership,
  findRoomForViewer,
  insertDirectRoomIfAbsent,
  insertRoom,
  lockRoom,
  roomExists,
  updateMemberRole,
} from '../repositories/chat-room.repository.js';
import { insertNotifications } from '../repositories/notification.repository.js';
import { memberAddedNotifications } from './notification.service.js';
import { partnerGrantsOf, requireGrantedRoom } from './partner-access.service.js';

/** Most members createChatRoom takes at once. */
export const MAX_NEW_ROOM_MEMBERS = 500;

/** Kinds a user may create with createChatRoom: direct chats have openDirectChat, session rooms come from scheduling. */
const CREATABLE_KINDS: readonly ChatRoomKind[] = ['GROUP', 'COACHING'];

/** Whether a member of this role manages the room: adds members and changes others' messages. */
export const managesRoom = (role: ChatMemberRole): boolean => role === 'OWNER' || role === 'MODERATOR';

/** Whether the viewer is a member of the room (batched across rooms within a request). */
export async function viewerIsMember(ctx: CommunityContext, roomId: string): Promise<boolean> {
  if (!ctx.viewer) return false;
  return (await ctx.loaders.viewerMembershipByRoom.load(roomId)) !== null;
}

/** The room if the viewer is one of its members, else null. */
async function ifMember(ctx: CommunityContext, room: ChatRoom | null): Promise<ChatRoom | null> {
  return room && (await viewerIsMember(ctx, room.id)) ? room : null;
}

/** The room, for its members only (null for anyone else and for a room that does not exist). */
export async function roomForMember(ctx: CommunityContext, roomId: string): Promise<ChatRoom | null> {
  return ifMember(ctx, await ctx.loaders.roomById.load(roomId));
}

/**
 * The room the viewer asked for, with the page of history `page` the query selects (see
 * askedMessagePage). null both for a missing room and for a room the viewer is not in:
 * membership is not disclosed. A partner client gets FORBIDDEN for any room outside its grants.
 */
export async function findChatRoom(
  ctx: CommunityContext,
  args: QueryChatRoomArgs,
  page: MessagePage | null,
): Promise<ChatRoom | null> {
  const viewer = requireViewer(ctx, { partners: true });
  const id = parseId(args.id);
  const grants = partnerGrantsOf(ctx);
  if (grants) return requireGrantedRoom(ctx, grants, id);
  // The room, the viewer's membership and the page of history are one read; the loaders then
  // hold them for the room's fields.
  const found = await findRoomForViewer(ctx.db, id, viewer.userId, page);
  if (found.room) ctx.loaders.roomById.prime(id, found.room);
  ctx.loaders.viewerMembershipByRoom.prime(id, found.membership);
  if (page && found.page) ctx.loaders.messagePage.prime({ roomId: id, ...page }, found.page);
  return found.room && found.membership ? found.room : null;
}

/** A session's room, for its members only (the trainer and registered learners are its members). */
export async function sessionRoom(ctx: CommunityContext, sessionId: string): Promise<ChatRoom | null> {
  if (!ctx.viewer) return null;
  return ifMember(ctx, await ctx.loaders.roomBySession.load(sessionId));
}

/** A user's rooms, theirs alone to list. */
export function roomsOfUser(ctx: CommunityContext, userId: string): Promise<ChatRoom[]> {
  requireSelfOrRole(ctx, userId);
  return ctx.loaders.roomsByUser.load(userId);
}

/** Fields that a room's key alone answers. */
const KEY_FIELDS = new Set(['id', '__typename']);

/**
 * The room a message was sent in. Where `selected` (the room's selected fields) asks for
 * nothing but its key, as the gateway's plans do, the key is enough and nothing is read.
 */
export function roomOfMessage(ctx: CommunityContext, message: ChatMessage, selected: readonly FieldNode[]): ChatRoomModel | Promise<ChatRoom> {
  if (selected.every((field) => KEY_FIELDS.has(field.name.value))) return { id: message.room_id };
  return loadRequired(ctx.loaders.roomById, message.room_id, 'chat room');
}

/** Whether the room is its whole row, not its key alone. */
const isRoomRow = (room: ChatRoomModel): room is ChatRoom => 'created_at' in room;

/** A column of the room, read first where the room is known by its key alone. */
export function roomColumn<K extends keyof ChatRoom>(ctx: CommunityContext, room: ChatRoomModel, column: K): ChatRoom[K] | Promise<ChatRoom[K]> {
  if (isRoomRow(room)) return room[column];
  return loadRequired(ctx.loaders.roomById, room.id, 'chat room').then((row) => row[column]);
}

/** The training session a SESSION room belongs to. */
export async function sessionOfRoom(ctx: CommunityContext, room: ChatRoomModel): Promise<TrainingSessionReference | null> {
  const sessionId = await roomColumn(ctx, room, 'session_id');
  return sessionId ? { __typename: 'TrainingSession', id: sessionId } : null;
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
export async function createChatRoom(ctx: CommunityContext, { input }: MutationCreateChatRoomArgs): Promise<ChatRoom> {
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
export async function openDirectChat(ctx: CommunityContext, args: MutationOpenDirectChatArgs): Promise<ChatRoom> {
  const viewer = requireViewer(ctx);
  const other = parseId(args.userId, 'userId');
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
export async function addChatMember(ctx: CommunityContext, args: MutationAddChatMemberArgs): Promise<ChatRoom> {
  const viewer = requireViewer(ctx);
  const roomId = parseId(args.roomId, 'roomId');
  const userId = parseId(args.userId, 'userId');
  const role = args.role ?? 'MEMBER';

  const { room, notifications } = await ctx.db.transaction().execute(async (trx) => {
    const room = await lockRoom(trx, roomId);
    if (!room) throw notFound('No such chat room.');
    const actor = await findMembership(trx, roomId, viewer.userId);
    if (!actor || !managesRoom(actor.role)) throw forbidden('Only an OWNER or MODERATOR of the room adds members.');
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
export async function removeChatMember(ctx: CommunityContext, args: MutationRemoveChatMemberArgs): Promise<ChatRoom> {
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
export async function markRoomRead(ctx: CommunityContext, args: MutationMarkRoomReadArgs): Promise<ChatRoom> {
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
