import { badUserInput, conflict, forbidden, notFound, parseId, requireViewer, text } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { ChatMemberRole, ChatMessage } from '../db/database.js';
import {
  findMessageByClientId,
  insertMessage,
  lockMessageForChange,
  markMessageDeleted,
  takeNextSequence,
  updateMessageContent,
} from '../repositories/chat-message.repository.js';
import { advanceReadPointer } from '../repositories/chat-room.repository.js';
import { roomAccessError } from './chat-room.service.js';

/** Longest message, in characters, once trimmed. */
export const MAX_MESSAGE_LENGTH = 4000;
const MAX_CLIENT_MESSAGE_ID_LENGTH = 100;

const MODERATING: readonly ChatMemberRole[] = ['OWNER', 'MODERATOR'];

/** Thrown inside the send transaction to roll it back when the message turns out to be a retry. */
class AlreadySent extends Error {}

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
export async function sendMessage(
  ctx: CommunityContext,
  args: { roomId: string; content: string; clientMessageId?: string | null },
): Promise<ChatMessage> {
  const viewer = requireViewer(ctx);
  const roomId = parseId(args.roomId, 'roomId');
  const content = text(args.content, 'content', { max: MAX_MESSAGE_LENGTH });
  const clientMessageId = clientMessageIdOf(args.clientMessageId);

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
    message = await ctx.db.transaction().execute(async (trx) => {
      const sequence = await takeNextSequence(trx, roomId, viewer.userId);
      if (sequence === null) return null;
      const stored = await insertMessage(trx, { roomId, sequence, senderId: viewer.userId, content, clientMessageId });
      // A concurrent attempt with the same clientMessageId committed first: give the number back.
      if (!stored) throw new AlreadySent();
      // Whoever writes has read everything before.
      await advanceReadPointer(trx, roomId, viewer.userId, sequence);
      return stored;
    });
  } catch (error) {
    if (!(error instanceof AlreadySent)) throw error;
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

/** Changes a message's text: by its sender, or an OWNER or MODERATOR of its room. */
export async function editMessage(ctx: CommunityContext, args: { id: string; content: string }): Promise<ChatMessage> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id, 'id');
  const content = text(args.content, 'content', { max: MAX_MESSAGE_LENGTH });
  const message = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockMessageForChange(trx, id, viewer.userId);
    if (!found) throw notFound('No such message.');
    assertMayChange(found, viewer.userId);
    if (found.message.deleted_at) throw conflict('A deleted message cannot be edited.');
    if (found.message.content === content) return found.message;
    return updateMessageContent(trx, id, content);
  });
  ctx.loaders.messageById.clear(id).prime(id, message);
  ctx.loaders.lastMessageByRoom.clear(message.room_id);
  return message;
}

/** Erases a message's content; it keeps its place. Deleting it again changes nothing. */
export async function deleteMessage(ctx: CommunityContext, args: { id: string }): Promise<ChatMessage> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id, 'id');
  const message = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockMessageForChange(trx, id, viewer.userId);
    if (!found) throw notFound('No such message.');
    assertMayChange(found, viewer.userId);
    if (found.message.deleted_at) return found.message;
    return markMessageDeleted(trx, id);
  });
  ctx.loaders.messageById.clear(id).prime(id, message);
  ctx.loaders.lastMessageByRoom.clear(message.room_id);
  ctx.loaders.unreadCountByRoom.clear(message.room_id);
  return message;
}

/** Members only; then the sender, or an OWNER or MODERATOR of the room. */
function assertMayChange(found: { message: ChatMessage; actorRole: ChatMemberRole | null }, viewerId: string): void {
  if (!found.actorRole) throw forbidden('Only members of the room may do this.');
  if (found.message.sender_id !== viewerId && !MODERATING.includes(found.actorRole)) {
    throw forbidden('Only its sender or an OWNER or MODERATOR of the room may change a message.');
  }
}
