import { conflict, forbidden, forwardPage, hasRole, loadRequired, notFound, parseId, requireViewer, toConnection } from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { CommunityContext } from '../context.js';
import type { ChatMemberRole, CommunityDatabase, Post, PostComment } from '../db/database.js';
import type { CommentRepliesArgs, MutationAddCommentArgs, MutationDeleteCommentArgs, MutationUpdateCommentArgs } from '../generated/graphql.js';
import { findMemberIdsAmong } from '../repositories/chat-room.repository.js';
import { insertNotifications } from '../repositories/notification.repository.js';
import {
  deleteCommentRow,
  findCommentOfPost,
  findPostIdOfComment,
  hasReplies,
  insertComment,
  insertMentions,
  lockPostForChange,
  markCommentDeleted,
  updateCommentContent,
  type CommentCursor,
} from '../repositories/post.repository.js';
import {
  COMMENT_MENTION,
  COMMENT_REPLIED,
  isCommentCursor,
  mentionIdsOf,
  moderatesPost,
  POST_COMMENTED,
  postNotification,
  postText,
  requireReaders,
} from './post.service.js';

/** Longest comment, in characters, once trimmed. */
export const MAX_COMMENT_LENGTH = 2000;

/** The post locked for a change to its comments, with the viewer's role in its room; NOT_FOUND when they may not read it. */
async function lockPostOfComments(
  ctx: CommunityContext,
  trx: Transaction<CommunityDatabase>,
  postId: string,
  viewerId: string,
): Promise<{ post: Post; actorRole: ChatMemberRole | null }> {
  const found = await lockPostForChange(trx, postId, viewerId);
  const readable =
    found && (found.post.visibility === 'PUBLIC' || found.actorRole !== null || found.post.author_id === viewerId || hasRole(ctx, 'ADMIN'));
  if (!found || !readable) throw notFound('No such post.');
  return found;
}

/**
 * Comments on a post the viewer may read, or replies to one of its comments: a reply to a
 * reply joins the thread of the comment it answers (replies go one level deep). In the same
 * transaction, the post's author (or the author of the comment answered) and the users
 * mentioned are told, each once and never about their own words.
 */
export async function addComment(ctx: CommunityContext, args: MutationAddCommentArgs): Promise<PostComment> {
  const viewer = requireViewer(ctx);
  const postId = parseId(args.postId, 'postId');
  const content = postText(args.content, 'content', MAX_COMMENT_LENGTH);
  const parentId = args.parentId == null ? null : parseId(args.parentId, 'parentId');
  const mentioned = mentionIdsOf(args.mentionUserIds, viewer.userId);

  const { comment, notifications } = await ctx.db.transaction().execute(async (trx) => {
    // Comments of one post queue on it: a reply never lands under a comment being removed.
    const { post } = await lockPostOfComments(ctx, trx, postId, viewer.userId);
    let answered: PostComment | null = null;
    if (parentId !== null) {
      answered = await findCommentOfPost(trx, postId, parentId);
      if (!answered) throw notFoundParent();
    }
    const threadId = answered ? (answered.parent_id ?? answered.id) : null;
    const comment = await insertComment(trx, { postId, parentId: threadId, authorId: viewer.userId, content });
    await requireReaders(trx, post, mentioned);

    const about = { postId, commentId: comment.id, by: viewer.userId, content };
    const fresh = await insertMentions(trx, postId, comment.id, mentioned);
    const told = new Set([viewer.userId, ...fresh]);
    const rows = fresh.map((userId) => postNotification(userId, COMMENT_MENTION, 'You were mentioned in a comment', about));
    // The one answered: the author of the comment replied to (unless removed), or of the post.
    const target = answered ? (answered.deleted_at ? null : answered.author_id) : post.author_id;
    if (target !== null && !told.has(target) && (await stillReads(trx, post, target))) {
      rows.push(postNotification(target, answered ? COMMENT_REPLIED : POST_COMMENTED, answered ? 'Someone replied to your comment' : 'Someone commented on your post', about));
    }
    return { comment, notifications: await insertNotifications(trx, rows) };
  });
  await ctx.live.notificationsCreated(notifications);
  ctx.loaders.commentById.prime(comment.id, comment);
  ctx.loaders.commentPage.clearAll();
  ctx.loaders.commentCountByPost.clear(postId);
  return comment;
}

const notFoundParent = () => notFound('No such comment on this post ("parentId").');

/** Whether the user may still read the post (a room's post: its author or a member of the room now). */
async function stillReads(trx: Transaction<CommunityDatabase>, post: Post, userId: string): Promise<boolean> {
  if (post.room_id === null || post.author_id === userId) return true;
  return (await findMemberIdsAmong(trx, post.room_id, [userId])).length > 0;
}

/** A comment of the post locked for a change, or NOT_FOUND: the post first (see lockPostOfComments). */
async function lockComment(ctx: CommunityContext, trx: Transaction<CommunityDatabase>, commentId: string, viewerId: string) {
  const postId = await findPostIdOfComment(trx, commentId);
  if (!postId) throw notFound('No such comment.');
  const { post, actorRole } = await lockPostOfComments(ctx, trx, postId, viewerId);
  const comment = await findCommentOfPost(trx, postId, commentId);
  if (!comment) throw notFound('No such comment.');
  return { post, actorRole, comment };
}

/** Changes a comment's text: its author only. */
export async function updateComment(ctx: CommunityContext, args: MutationUpdateCommentArgs): Promise<PostComment> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id);
  const content = postText(args.content, 'content', MAX_COMMENT_LENGTH);
  const comment = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockComment(ctx, trx, id, viewer.userId);
    if (found.comment.author_id !== viewer.userId) throw forbidden('Only its author may edit a comment.');
    if (found.comment.deleted_at) throw conflict('A removed comment cannot be edited.');
    return found.comment.content === content ? found.comment : updateCommentContent(trx, id, content);
  });
  ctx.loaders.commentById.clear(id).prime(id, comment);
  return comment;
}

/** Removes a comment: its author, an OWNER or MODERATOR of the post's room, or ADMIN. Removing it again changes nothing. */
export async function deleteComment(ctx: CommunityContext, args: MutationDeleteCommentArgs): Promise<boolean> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id);
  const postId = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockComment(ctx, trx, id, viewer.userId);
    if (found.comment.author_id !== viewer.userId && !moderatesPost(ctx, found.post, found.actorRole)) {
      throw forbidden('Only its author, an OWNER or MODERATOR of the room, or ADMIN may remove a comment.');
    }
    await removeComment(trx, found.comment);
    return found.post.id;
  });
  ctx.loaders.commentById.clear(id);
  ctx.loaders.commentPage.clearAll();
  ctx.loaders.commentCountByPost.clear(postId);
  return true;
}

/**
 * Removes a comment of a post the caller holds locked. One with replies keeps its place
 * without its text; one without goes, and so does a removed comment whose last reply it was.
 */
export async function removeComment(trx: Transaction<CommunityDatabase>, comment: PostComment): Promise<void> {
  if (comment.deleted_at) return;
  if (comment.parent_id === null && (await hasReplies(trx, comment.id))) {
    await markCommentDeleted(trx, comment.id);
    return;
  }
  await deleteCommentRow(trx, comment.id);
  if (comment.parent_id === null) return;
  const parent = await findCommentOfPost(trx, comment.post_id, comment.parent_id);
  if (parent?.deleted_at && !(await hasReplies(trx, parent.id))) await deleteCommentRow(trx, parent.id);
}

/** The replies of a comment, oldest first, with the exact total; a reply has none. */
export async function repliesOf(ctx: CommunityContext, comment: PostComment, args: CommentRepliesArgs) {
  const { limit, after } = forwardPage(args, isCommentCursor);
  const page =
    comment.parent_id === null
      ? await ctx.loaders.commentPage.load({ scope: 'replies', ownerId: comment.id, limit, after })
      : { rows: [], totalCount: 0, hasPreviousPage: false };
  for (const row of page.rows) ctx.loaders.commentById.prime(row.id, row);
  return toConnection({
    rows: page.rows,
    limit,
    totalCount: page.totalCount,
    hasPreviousPage: page.hasPreviousPage,
    cursorOf: (row) => [row.cursor_key, row.id] satisfies CommentCursor,
    nodeOf: (row): PostComment => row,
  });
}

/** The post a comment belongs to (comments reach resolvers only through posts the viewer reads). */
export function postOfComment(ctx: CommunityContext, comment: PostComment): Promise<Post> {
  return loadRequired(ctx.loaders.postById, comment.post_id, 'post');
}

/** The comment a reply answers. */
export async function parentOfComment(ctx: CommunityContext, comment: PostComment): Promise<PostComment | null> {
  return comment.parent_id === null ? null : loadRequired(ctx.loaders.commentById, comment.parent_id, 'comment');
}
