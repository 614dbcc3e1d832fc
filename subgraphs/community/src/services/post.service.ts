import {
  badUserInput,
  forbidden,
  forwardPage,
  hasRole,
  isTimestampText,
  isUuid,
  notFound,
  parseId,
  requireViewer,
  text,
  toConnection,
} from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { CommunityContext } from '../context.js';
import type { ChatMemberRole, ChatRoom, CommunityDatabase, Notification, Post, PostVisibility } from '../db/database.js';
import type {
  MutationCreatePostArgs,
  MutationDeletePostArgs,
  MutationReactArgs,
  MutationRemoveReactionArgs,
  MutationUpdatePostArgs,
  PostCommentsArgs,
  QueryFeedArgs,
  QueryPostArgs,
} from '../generated/graphql.js';
import { findMemberIdsAmong } from '../repositories/chat-room.repository.js';
import { insertNotifications } from '../repositories/notification.repository.js';
import {
  deletePostRow,
  deleteReaction,
  findFeedPage,
  findPostForActor,
  insertMentions,
  insertPost,
  lockPostForChange,
  updatePostContent,
  upsertReaction,
  type CommentCursor,
  type FeedCursor,
} from '../repositories/post.repository.js';
import { managesRoom, roomForMember, viewerIsMember } from './chat-room.service.js';

/** Longest post, in characters, once trimmed. */
export const MAX_POST_LENGTH = 5000;
/** Most links a post or comment may hold. */
export const MAX_LINKS = 10;
/** Most users one post or comment may mention. */
export const MAX_MENTIONS = 20;

/** Notification types of posts and comments. */
export const POST_MENTION = 'POST_MENTION';
export const COMMENT_MENTION = 'COMMENT_MENTION';
export const POST_COMMENTED = 'POST_COMMENTED';
export const COMMENT_REPLIED = 'COMMENT_REPLIED';

/** The room kinds each room-bound visibility addresses. */
const ROOM_KINDS: Record<Exclude<PostVisibility, 'PUBLIC'>, readonly string[]> = {
  MEMBERS: ['SESSION'],
  PRIVATE: ['GROUP', 'COACHING', 'DIRECT'],
};

// Control characters other than tab and line breaks have no place in text people read (and
// PostgreSQL refuses NUL outright).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// Anything written as scheme://… or as one of the schemes browsers run.
const LINK = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"]+|\b(?:javascript|data|vbscript|file):[^\s<>"]*/gi;

/**
 * The text of a post or comment, trimmed: `max` characters at most, no control characters,
 * at most MAX_LINKS links, each an absolute http(s) URL without credentials. BAD_USER_INPUT
 * naming `field` otherwise.
 */
export function postText(value: string, field: string, max: number): string {
  const content = text(value, field, { max });
  if (CONTROL.test(content)) throw badUserInput(`"${field}" must not contain control characters.`, field);
  const links = content.match(LINK) ?? [];
  if (links.length > MAX_LINKS) throw badUserInput(`"${field}" may hold at most ${MAX_LINKS} links.`, field);
  for (const link of links) {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw badUserInput(`"${field}" holds a link that is not a valid URL: ${link.slice(0, 100)}`, field);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badUserInput(`"${field}" may only link to http or https addresses.`, field);
    if (url.username || url.password) throw badUserInput(`"${field}" holds a link with credentials in it.`, field);
  }
  return content;
}

/** The mentioned users: well-formed, at most MAX_MENTIONS, each once, the author left out (nobody is told about themself). */
export function mentionIdsOf(ids: readonly string[] | null | undefined, authorId: string): string[] {
  if (!ids) return [];
  if (ids.length > MAX_MENTIONS) throw badUserInput(`"mentionUserIds" takes at most ${MAX_MENTIONS} users.`, 'mentionUserIds');
  return [...new Set(ids.map((id) => parseId(id, 'mentionUserIds')))].filter((id) => id !== authorId);
}

/**
 * Who, of `userIds`, may read a post of this room (its members) or any post (no room): a
 * mention of someone who cannot open the post is refused, not silently dropped.
 */
export async function requireReaders(
  trx: Transaction<CommunityDatabase>,
  post: { room_id: string | null; author_id: string },
  userIds: readonly string[],
): Promise<void> {
  if (post.room_id === null || userIds.length === 0) return;
  const members = new Set(await findMemberIdsAmong(trx, post.room_id, userIds));
  const outside = userIds.filter((id) => !members.has(id) && id !== post.author_id);
  if (outside.length > 0) {
    throw badUserInput(`"mentionUserIds" names users who cannot read the post (not members of its room): ${outside.join(', ')}.`, 'mentionUserIds');
  }
}

const TITLE_MAX = 200;
const excerptOf = (content: string, max: number) => (content.length <= max ? content : `${content.slice(0, max - 1)}…`);

/** A notification about a post or comment, as stored by the notification repository. */
export function postNotification(
  userId: string,
  type: string,
  title: string,
  about: { postId: string; commentId: string | null; by: string; content: string },
) {
  return {
    user_id: userId,
    type,
    title: excerptOf(title, TITLE_MAX),
    body: excerptOf(about.content, 280),
    priority: 'MEDIUM' as const,
    action_url: about.commentId ? `/posts/${about.postId}#comment-${about.commentId}` : `/posts/${about.postId}`,
    data: JSON.stringify({ postId: about.postId, commentId: about.commentId, by: about.by }),
    read_at: null,
  };
}

/** Whether a post of this visibility, in a room of this role of the actor, may be read by the viewer. */
function readableWith(ctx: CommunityContext, post: Post, actorRole: ChatMemberRole | null): boolean {
  return post.visibility === 'PUBLIC' || actorRole !== null || post.author_id === ctx.viewer?.userId || hasRole(ctx, 'ADMIN');
}

/**
 * Whether the viewer may read the post: anyone a PUBLIC one; the author, the members of its
 * room and ADMIN the others. A partner client reads PUBLIC posts only.
 */
export async function mayReadPost(ctx: CommunityContext, post: Post): Promise<boolean> {
  if (post.visibility === 'PUBLIC') return true;
  if (!ctx.viewer || ctx.viewer.grants) return false;
  if (post.author_id === ctx.viewer.userId || hasRole(ctx, 'ADMIN')) return true;
  return viewerIsMember(ctx, post.room_id!);
}

/** The post, if the viewer may read it; null otherwise (whether it exists is not disclosed). */
export async function findPost(ctx: CommunityContext, args: QueryPostArgs): Promise<Post | null> {
  const post = await ctx.loaders.postById.load(parseId(args.id));
  return post && (await mayReadPost(ctx, post)) ? post : null;
}

/** The post locked for a change by the viewer, with their role in its room; NOT_FOUND when they may not read it. */
async function lockReadablePost(ctx: CommunityContext, trx: Transaction<CommunityDatabase>, postId: string, viewerId: string) {
  const found = await lockPostForChange(trx, postId, viewerId);
  if (!found || !readableWith(ctx, found.post, found.actorRole)) throw notFound('No such post.');
  return found;
}

/** Checks the room a post is addressed to: it exists, the author is a member, and its kind suits the visibility. */
async function roomForPost(ctx: CommunityContext, visibility: PostVisibility, roomIdArg: string | null | undefined): Promise<ChatRoom | null> {
  if (visibility === 'PUBLIC') {
    if (roomIdArg != null) throw badUserInput('A PUBLIC post belongs to no room: leave "roomId" out.', 'roomId');
    return null;
  }
  if (roomIdArg == null) throw badUserInput(`A ${visibility} post needs the "roomId" whose members may read it.`, 'roomId');
  const roomId = parseId(roomIdArg, 'roomId');
  const room = await ctx.loaders.roomById.load(roomId);
  if (!room || !(await viewerIsMember(ctx, roomId))) throw notFound('No such chat room.');
  if (!ROOM_KINDS[visibility].includes(room.kind)) {
    throw badUserInput(
      visibility === 'MEMBERS'
        ? 'A MEMBERS post goes to the members of a training session: name its SESSION room.'
        : 'A PRIVATE post goes to a GROUP, COACHING or DIRECT room; for a session room use MEMBERS.',
      'roomId',
    );
  }
  return room;
}

/** Writes a post; the users it mentions are told in the same transaction, and live once it is committed. */
export async function createPost(ctx: CommunityContext, args: MutationCreatePostArgs): Promise<Post> {
  const viewer = requireViewer(ctx);
  const content = postText(args.content, 'content', MAX_POST_LENGTH);
  const visibility = args.visibility ?? 'PUBLIC';
  const mentioned = mentionIdsOf(args.mentionUserIds, viewer.userId);
  const room = await roomForPost(ctx, visibility, args.roomId);

  const { post, notifications } = await ctx.db.transaction().execute(async (trx) => {
    const post = await insertPost(trx, { authorId: viewer.userId, content, visibility, roomId: room?.id ?? null });
    await requireReaders(trx, post, mentioned);
    const notifications = await notifyMentions(trx, post, mentioned, viewer.userId);
    return { post, notifications };
  });
  await ctx.live.notificationsCreated(notifications);
  ctx.loaders.postById.prime(post.id, post);
  return post;
}

/** Records mentions of the post and tells each user mentioned for the first time. */
async function notifyMentions(trx: Transaction<CommunityDatabase>, post: Post, mentioned: readonly string[], authorId: string): Promise<Notification[]> {
  const fresh = await insertMentions(trx, post.id, null, mentioned);
  return insertNotifications(
    trx,
    fresh.map((userId) => postNotification(userId, POST_MENTION, 'You were mentioned in a post', { postId: post.id, commentId: null, by: authorId, content: post.content })),
  );
}

/** Changes a post's text: its author only. Users mentioned for the first time are told. */
export async function updatePost(ctx: CommunityContext, args: MutationUpdatePostArgs): Promise<Post> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id);
  const content = postText(args.content, 'content', MAX_POST_LENGTH);
  const mentioned = mentionIdsOf(args.mentionUserIds, viewer.userId);
  const { post, notifications } = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockReadablePost(ctx, trx, id, viewer.userId);
    if (found.post.author_id !== viewer.userId) throw forbidden('Only its author may edit a post.');
    await requireReaders(trx, found.post, mentioned);
    const post = found.post.content === content ? found.post : await updatePostContent(trx, id, content);
    return { post, notifications: await notifyMentions(trx, post, mentioned, viewer.userId) };
  });
  await ctx.live.notificationsCreated(notifications);
  ctx.loaders.postById.clear(id).prime(id, post);
  return post;
}

/** Whether the actor may remove others' content of this post: ADMIN, or an OWNER or MODERATOR of its room. */
export function moderatesPost(ctx: CommunityContext, post: Post, actorRole: ChatMemberRole | null): boolean {
  return hasRole(ctx, 'ADMIN') || (post.room_id !== null && actorRole !== null && managesRoom(actorRole));
}

/** Removes a post with its comments and reactions: its author, a moderator of its room, or ADMIN. */
export async function deletePost(ctx: CommunityContext, args: MutationDeletePostArgs): Promise<boolean> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id);
  await ctx.db.transaction().execute(async (trx) => {
    const found = await lockReadablePost(ctx, trx, id, viewer.userId);
    if (found.post.author_id !== viewer.userId && !moderatesPost(ctx, found.post, found.actorRole)) {
      throw forbidden('Only its author, an OWNER or MODERATOR of its room, or ADMIN may delete a post.');
    }
    await deletePostRow(trx, id);
  });
  ctx.loaders.postById.clear(id);
  return true;
}

/**
 * Sets the viewer's reaction: one per user and post, switching kinds moves it. The post is
 * held with a key-share lock, which lets any number of reactions through at once but keeps the
 * post from being deleted under them; counts are read from the reactions themselves, so they
 * are exact whatever runs concurrently.
 */
export async function react(ctx: CommunityContext, args: MutationReactArgs): Promise<Post> {
  const viewer = requireViewer(ctx);
  const postId = parseId(args.postId, 'postId');
  const post = await ctx.db.transaction().execute(async (trx) => {
    const found = await findPostForActor(trx, postId, viewer.userId, 'keyShare');
    if (!found || !readableWith(ctx, found.post, found.actorRole)) throw notFound('No such post.');
    await upsertReaction(trx, postId, viewer.userId, args.kind);
    return found.post;
  });
  forgetReactions(ctx, postId);
  return post;
}

/** Takes the viewer's reaction back; nothing happens without one. */
export async function removeReaction(ctx: CommunityContext, args: MutationRemoveReactionArgs): Promise<Post> {
  const viewer = requireViewer(ctx);
  const postId = parseId(args.postId, 'postId');
  const found = await findPostForActor(ctx.db, postId, viewer.userId, null);
  if (!found || !readableWith(ctx, found.post, found.actorRole)) throw notFound('No such post.');
  await deleteReaction(ctx.db, postId, viewer.userId);
  forgetReactions(ctx, postId);
  return found.post;
}

function forgetReactions(ctx: CommunityContext, postId: string): void {
  ctx.loaders.reactionsByPost.clear(postId);
  ctx.loaders.viewerReactionByPost.clear(postId);
}

const isFeedCursor = (value: unknown): value is FeedCursor =>
  Array.isArray(value) && value.length === 3 && isTimestampText(value[0]) && typeof value[1] === 'number' && Number.isFinite(value[1]) && isUuid(value[2]);

/** The viewer's feed (see findFeedPage): later pages rank at the moment the first page was read. */
export async function feed(ctx: CommunityContext, args: QueryFeedArgs) {
  const { limit, after } = forwardPage(args, isFeedCursor);
  const viewerId = ctx.viewer && !ctx.viewer.grants ? ctx.viewer.userId : null;
  const page = await findFeedPage(ctx.db, { viewerId, asOf: after?.[0] ?? null, after, limit });
  for (const row of page.rows) ctx.loaders.postById.prime(row.id, row);
  return toConnection({
    rows: page.rows,
    limit,
    totalCount: page.totalCount,
    hasPreviousPage: page.hasPreviousPage,
    cursorOf: (row) => [row.as_of, row.score, row.id] satisfies FeedCursor,
    nodeOf: (row): Post => row,
  });
}

export const isCommentCursor = (value: unknown): value is CommentCursor =>
  Array.isArray(value) && value.length === 2 && isTimestampText(value[0]) && isUuid(value[1]);

/** A post's comments (replies come with each), oldest first, with the exact total; posts reach resolvers readable only. */
export async function commentsOfPost(ctx: CommunityContext, post: Post, args: PostCommentsArgs) {
  const { limit, after } = forwardPage(args, isCommentCursor);
  const page = await ctx.loaders.commentPage.load({ scope: 'post', ownerId: post.id, limit, after });
  for (const row of page.rows) ctx.loaders.commentById.prime(row.id, row);
  return toConnection({
    rows: page.rows,
    limit,
    totalCount: page.totalCount,
    hasPreviousPage: page.hasPreviousPage,
    cursorOf: (row) => [row.cursor_key, row.id] satisfies CommentCursor,
    nodeOf: (row) => row,
  });
}

/** The room a post is addressed to, shown to its members only (as rooms always are). */
export async function roomOfPost(ctx: CommunityContext, post: Post): Promise<ChatRoom | null> {
  return post.room_id === null ? null : roomForMember(ctx, post.room_id);
}
