import { badUserInput, forbidden, hasRole, notFound, parseId, requireViewer, type Viewer } from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { CommunityContext } from '../context.js';
import type { ChatMemberRole, ChatMessage, ChatRoomMember, CommunityDatabase } from '../db/database.js';
import type { MutationMuteMemberArgs, MutationUnmuteMemberArgs, SubscriptionMessageDeletedArgs } from '../generated/graphql.js';
import { memberKey } from '../loaders/index.js';
import { deleteMute, upsertMute } from '../repositories/chat-moderation.repository.js';
import { findMembership, lockRoom } from '../repositories/chat-room.repository.js';
import { managesRoom } from './chat-room.service.js';

/** Longest mute: a mute is a pause, not a removal (removeChatMember is). */
const MAX_MUTE_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * Who may delete a message: its sender (while a member), an OWNER or MODERATOR of its room,
 * or an ADMIN (member or not). Editing stays the sender's (see editMessage).
 */
export function assertMayDelete(ctx: CommunityContext, found: { message: ChatMessage; actorRole: ChatMemberRole | null }, viewerId: string): void {
  if (hasRole(ctx, 'ADMIN')) return;
  if (!found.actorRole) throw forbidden('Only members of the room may do this.');
  if (found.message.sender_id !== viewerId && !managesRoom(found.actorRole)) {
    throw forbidden('Only its sender, an OWNER or MODERATOR of the room, or an ADMIN may delete a message.');
  }
}

/** What a muted member gets for a send: FORBIDDEN, naming when the mute ends. */
export function mutedError(mutedUntil: Date | null) {
  return forbidden(`You are muted in this room${mutedUntil ? ` until ${mutedUntil.toISOString()}` : ''}: you cannot send to it until then.`);
}

/** When the member's mute ends; null when not muted. */
export function mutedUntilOf(ctx: CommunityContext, member: ChatRoomMember): Promise<Date | null> {
  return ctx.loaders.mutedUntilByMember.load(memberKey(member.room_id, member.user_id));
}

/**
 * The member `userId` that the viewer is about to mute or unmute, with the room locked (so a
 * mute and a send to the room are ordered). An ADMIN may act on anyone; an OWNER on any member
 * but themself; a MODERATOR on MEMBERs only.
 */
async function memberToModerate(trx: Transaction<CommunityDatabase>, ctx: CommunityContext, viewer: Viewer, roomId: string, userId: string): Promise<ChatRoomMember> {
  if (userId === viewer.userId) throw badUserInput('You cannot mute or unmute yourself.', 'userId');
  if (!(await lockRoom(trx, roomId))) throw notFound('No such chat room.');
  const admin = hasRole(ctx, 'ADMIN');
  const actor = admin ? null : await findMembership(trx, roomId, viewer.userId);
  if (!admin && (!actor || !managesRoom(actor.role))) throw forbidden('Only an OWNER or MODERATOR of the room, or an ADMIN, mutes members.');
  const target = await findMembership(trx, roomId, userId);
  if (!target) throw notFound('No such member of the room.');
  if (actor?.role === 'MODERATOR' && target.role !== 'MEMBER') throw forbidden('A MODERATOR mutes MEMBERs only.');
  return target;
}

/** Mutes a member until `until`: their sends are refused (FORBIDDEN) until then. */
export async function muteMember(ctx: CommunityContext, args: MutationMuteMemberArgs): Promise<ChatRoomMember> {
  const viewer = requireViewer(ctx);
  const roomId = parseId(args.roomId, 'roomId');
  const userId = parseId(args.userId, 'userId');
  const until = args.until;
  const now = Date.now();
  if (until.getTime() <= now) throw badUserInput('"until" must be in the future.', 'until');
  if (until.getTime() > now + MAX_MUTE_DAYS * DAY_MS) throw badUserInput(`"until" must be at most ${MAX_MUTE_DAYS} days ahead.`, 'until');
  const { member, mute } = await ctx.db.transaction().execute(async (trx) => {
    const member = await memberToModerate(trx, ctx, viewer, roomId, userId);
    return { member, mute: await upsertMute(trx, { roomId, userId, until, mutedBy: viewer.userId }) };
  });
  ctx.loaders.mutedUntilByMember.clear(memberKey(roomId, userId)).prime(memberKey(roomId, userId), mute.muted_until);
  return member;
}

/** Ends a member's mute at once. */
export async function unmuteMember(ctx: CommunityContext, args: MutationUnmuteMemberArgs): Promise<ChatRoomMember> {
  const viewer = requireViewer(ctx);
  const roomId = parseId(args.roomId, 'roomId');
  const userId = parseId(args.userId, 'userId');
  const member = await ctx.db.transaction().execute(async (trx) => {
    const member = await memberToModerate(trx, ctx, viewer, roomId, userId);
    await deleteMute(trx, roomId, userId);
    return member;
  });
  ctx.loaders.mutedUntilByMember.clear(memberKey(roomId, userId)).prime(memberKey(roomId, userId), null);
  return member;
}

/** A member's live feed of the room's deleted messages (FORBIDDEN for others); ends when they leave the room. */
export function deletionFeed(ctx: CommunityContext, args: SubscriptionMessageDeletedArgs): Promise<AsyncIterableIterator<ChatMessage>> {
  const viewer = requireViewer(ctx);
  const roomId = parseId(args.roomId, 'roomId');
  return ctx.live.deletionFeed(roomId, viewer.userId, args.since ?? null);
}
