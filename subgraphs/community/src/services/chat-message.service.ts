import {
  badUserInput,
  conflict,
  decodeCursor,
  encodeCursor,
  forbidden,
  MAX_PAGE_SIZE,
  notFound,
  parseId,
  requireViewer,
  selectedFields,
  text,
} from '@academy/service-kit';
import { isObjectType, type GraphQLResolveInfo } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { CommunityContext } from '../context.js';
import type { ChatMemberRole, ChatMessage, ChatRoomModel } from '../db/database.js';
import type {
  ChatRoomMessagesArgs,
  MutationDeleteMessageArgs,
  MutationEditMessageArgs,
  MutationSendMessageArgs,
  SubscriptionMessageAddedArgs,
} from '../generated/graphql.js';
import {
  findMessageByClientId,
  lockMessageForChange,
  markMessageDeleted,
  MessageRefused,
  storeMessage,
  updateMessageContent,
  type MessagePage,
} from '../repositories/chat-message.repository.js';
import { assertMayDelete, mutedError } from './chat-moderation.service.js';
import { managesRoom, roomAccessError, viewerIsMember } from './chat-room.service.js';
import { partnerGrantsOf, requireGrantedRoom } from './partner-access.service.js';

/** Longest message, in characters, once trimmed. */
export const MAX_MESSAGE_LENGTH = 4000;
const MAX_CLIENT_MESSAGE_ID_LENGTH = 100;

/** Messages a page holds when `last` is not given. */
export const DEFAULT_MESSAGE_PAGE = 50;

/** A message's place in its room's history: its sequence. */
type MessageCursor = [number];
const isMessageCursor = (value: unknown): value is MessageCursor =>
  Array.isArray(value) && value.length === 1 && Number.isSafeInteger(value[0]) && (value[0] as number) > 0;

/** Which page `messages` asks for; BAD_USER_INPUT for a negative `last` or a foreign cursor. */
export function messagePageOf(args: ChatRoomMessagesArgs): MessagePage {
  const last = args.last ?? DEFAULT_MESSAGE_PAGE;
  if (!Number.isInteger(last) || last < 0) throw badUserInput('"last" must be 0 or more.', 'last');
  return { limit: Math.min(last, MAX_PAGE_SIZE), before: args.before ? decodeCursor(args.before, isMessageCursor, 'before')[0] : null };
}

/**
 * The page of history a room's selection (`info` of the field resolving the room) asks for
 * with `messages(...)`, fragments included; null when it does not ask for one, asks for
 * several (aliases with different arguments: each field's own loader reads them) or passes
 * arguments the field itself will refuse.
 */
export function askedMessagePage(info: GraphQLResolveInfo): MessagePage | null {
  const roomType = info.schema.getType('ChatRoom');
  const field = isObjectType(roomType) ? roomType.getFields().messages : undefined;
  const nodes = selectedFields(info).filter((node) => node.name.value === 'messages');
  if (!field || nodes.length !== 1) return null;
  try {
    return messagePageOf(getArgumentValues(field, nodes[0]!, info.variableValues));
  } catch {
    return null; // the field reports the bad argument itself
  }
}

/**
 * A room's history, newest last, read backwards from `before`. Rooms are resolved for members
 * only, but a mutation may hand back a room its caller just left: history stays members-only.
 */
export async function roomMessages(ctx: CommunityContext, room: ChatRoomModel, args: ChatRoomMessagesArgs) {
  const { before, limit } = messagePageOf(args);
  const rows: ChatMessage[] = (await viewerIsMember(ctx, room.id)) ? await ctx.loaders.messagePage.load({ roomId: room.id, before, limit }) : [];
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
}

/** The room's newest message, for its members only. */
export async function lastMessageOf(ctx: CommunityContext, room: ChatRoomModel): Promise<ChatMessage | null> {
  return (await viewerIsMember(ctx, room.id)) ? ctx.loaders.lastMessageByRoom.load(room.id) : null;
}

/**
 * A member's live feed of the room's new messages (FORBIDDEN for others); it ends at once when
 * they leave the room. A partner client's feed of a room its grants cover.
 */
export async function messageFeed(ctx: CommunityContext, args: SubscriptionMessageAddedArgs): Promise<AsyncIterableIterator<ChatMessage>> {
  const viewer = requireViewer(ctx, { partners: true });
  const roomId = parseId(args.roomId, 'roomId');
  const after = args.afterSequence ?? null;
  if (after !== null && (!Number.isInteger(after) || after < 0)) {
    throw badUserInput('"afterSequence" must be a sequence number (0 or more).', 'afterSequence');
  }
  const grants = partnerGrantsOf(ctx);
  if (grants) await requireGrantedRoom(ctx, grants, roomId);
  return ctx.live.messageFeed(roomId, viewer.userId, after, { granted: grants !== null });
}

function clientMessageIdOf(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value.length < 1 || value.length > MAX_CLIENT_MESSAGE_ID_LENGTH) {
    throw badUserInput(`"clientMessageId" must be 1 to ${MAX_CLIENT_MESSAGE_ID_LENGTH} characters long.`, 'clientMessageId');
  }
  return value;
}

/**
 * Stores a message with the room's next sequence number and announces it once committed.
 * With a clientMessageId the viewer already used in the room, returns that message instead:
 * the retry stores nothing and takes no sequence number.
 */
export async function sendMessage(ctx: CommunityContext, args: MutationSendMessageArgs): Promise<ChatMessage> {
  const viewer = requireViewer(ctx, { partners: true });
  const roomId = parseId(args.roomId, 'roomId');
  const content = text(args.content, 'content', { max: MAX_MESSAGE_LENGTH });
  const clientMessageId = clientMessageIdOf(args.clientMessageId);
  const grants = partnerGrantsOf(ctx);
  if (grants) await requireGrantedRoom(ctx, grants, roomId);

  const sentBefore = async (): Promise<ChatMessage | null> => {
    if (!clientMessageId) return null;
    const message = await findMessageByClientId(ctx.db, roomId, viewer.userId, clientMessageId);
    // A member who has since left gets FORBIDDEN, as for any other send.
    if (message && !(await ctx.loaders.viewerMembershipByRoom.load(roomId))) throw forbidden('Only members of the room may send to it.');
    return message;
  };
  const earlier = await sentBefore();
  if (earlier) return earlier;

  let message: ChatMessage | null;
  try {
    // A partner client's grant was checked above: it has no membership to check.
    message = await storeMessage(ctx.db, { roomId, senderId: viewer.userId, content, clientMessageId, checkMembership: !grants });
  } catch (error) {
    if (!(error instanceof MessageRefused)) throw error;
    if (error.reason === 'muted') throw mutedError(error.mutedUntil);
    // A concurrent attempt with the same clientMessageId committed first: its message is the answer.
    const first = await sentBefore();
    if (!first) throw new Error('a message collided on its clientMessageId and was then not found');
    return first;
  }
  if (!message) throw await roomAccessError(ctx, roomId);
  await ctx.live.messageStored(message);
  ctx.loaders.messageById.prime(message.id, message);
  ctx.loaders.lastMessageByRoom.clear(roomId);
  ctx.loaders.unreadCountByRoom.clear(roomId);
  return message;
}

/** Changes a message's text: by its sender only (an OWNER or MODERATOR may delete it, never put words in it). */
export async function editMessage(ctx: CommunityContext, args: MutationEditMessageArgs): Promise<ChatMessage> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id, 'id');
  const content = text(args.content, 'content', { max: MAX_MESSAGE_LENGTH });
  const message = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockMessageForChange(trx, id, viewer.userId);
    if (!found) throw notFound('No such message.');
    assertMayEdit(found, viewer.userId);
    if (found.message.deleted_at) throw conflict('A deleted message cannot be edited.');
    if (found.message.content === content) return found.message;
    return updateMessageContent(trx, id, content);
  });
  ctx.loaders.messageById.clear(id).prime(id, message);
  ctx.loaders.lastMessageByRoom.clear(message.room_id);
  return message;
}

/**
 * Erases a message's content, recording who did; it keeps its place, and messageDeleted
 * subscribers are told once it is committed. Deleting it again changes nothing.
 */
export async function deleteMessage(ctx: CommunityContext, args: MutationDeleteMessageArgs): Promise<ChatMessage> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id, 'id');
  const { message, deleted } = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockMessageForChange(trx, id, viewer.userId);
    if (!found) throw notFound('No such message.');
    assertMayDelete(ctx, found, viewer.userId);
    if (found.message.deleted_at) return { message: found.message, deleted: false };
    return { message: await markMessageDeleted(trx, id, viewer.userId), deleted: true };
  });
  if (deleted) await ctx.live.messageDeleted(message);
  ctx.loaders.messageById.clear(id).prime(id, message);
  ctx.loaders.lastMessageByRoom.clear(message.room_id);
  ctx.loaders.unreadCountByRoom.clear(message.room_id);
  return message;
}

/** Members only; then the sender alone: what a message says is its sender's. */
function assertMayEdit(found: { message: ChatMessage; actorRole: ChatMemberRole | null }, viewerId: string): void {
  if (!found.actorRole) throw forbidden('Only members of the room may do this.');
  if (found.message.sender_id !== viewerId) throw forbidden('Only its sender may edit a message.');
}

/** Members only; then the sender, or an OWNER or MODERATOR of the room. */
function assertMayChange(found: { message: ChatMessage; actorRole: ChatMemberRole | null }, viewerId: string): void {
  if (!found.actorRole) throw forbidden('Only members of the room may do this.');
  if (found.message.sender_id !== viewerId && !managesRoom(found.actorRole)) {
    throw forbidden('Only its sender or an OWNER or MODERATOR of the room may change a message.');
  }
}
