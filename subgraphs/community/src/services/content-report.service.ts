import { conflict, forwardPage, isTimestampText, isUuid, notFound, parseId, requireRole, requireViewer, text, toConnection } from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { CommunityContext } from '../context.js';
import type { ChatMessage, CommunityDatabase, ContentReport, ContentReportStatus, ReportedContentKind } from '../db/database.js';
import type { MutationReportContentArgs, MutationResolveContentReportArgs, QueryContentReportsArgs } from '../generated/graphql.js';
import { lockMessageForChange, markMessageDeleted } from '../repositories/chat-message.repository.js';
import {
  findOpenReport,
  findReportPage,
  insertReportIfAbsent,
  lockReport,
  resolveReport,
  resolveReportsOfItem,
  type ReportCursor,
} from '../repositories/content-report.repository.js';
import { deletePostRow, findCommentOfPost, findPostIdOfComment, lockPostForChange } from '../repositories/post.repository.js';
import { viewerIsMember } from './chat-room.service.js';
import { removeComment } from './comment.service.js';
import { mayReadPost } from './post.service.js';

/** Longest reason, in characters, once trimmed. */
export const MAX_REASON_LENGTH = 1000;
const EXCERPT_LENGTH = 500;

const excerptOf = (content: string) => (content.length <= EXCERPT_LENGTH ? content : `${content.slice(0, EXCERPT_LENGTH - 1)}…`);

/**
 * What the viewer sees of the item, or null when they cannot see it (or it is gone): a message
 * of a room they are in, a post they may read, a comment on one. Removed items cannot be reported.
 */
async function visibleContent(ctx: CommunityContext, kind: ReportedContentKind, id: string): Promise<string | null> {
  switch (kind) {
    case 'MESSAGE': {
      const message = await ctx.loaders.messageById.load(id);
      if (!message || message.deleted_at || !(await viewerIsMember(ctx, message.room_id))) return null;
      return message.content;
    }
    case 'POST': {
      const post = await ctx.loaders.postById.load(id);
      return post && (await mayReadPost(ctx, post)) ? post.content : null;
    }
    case 'COMMENT': {
      const comment = await ctx.loaders.commentById.load(id);
      if (!comment || comment.deleted_at) return null;
      const post = await ctx.loaders.postById.load(comment.post_id);
      return post && (await mayReadPost(ctx, post)) ? comment.content : null;
    }
  }
}

/**
 * Reports an item the viewer can see (NOT_FOUND otherwise, as for an item that does not
 * exist). While the viewer's report of it is OPEN, reporting it again returns that report:
 * the partial unique index keeps one, even for concurrent repeats.
 */
export async function reportContent(ctx: CommunityContext, args: MutationReportContentArgs): Promise<ContentReport> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id);
  const reason = text(args.reason, 'reason', { max: MAX_REASON_LENGTH });
  const content = await visibleContent(ctx, args.kind, id);
  if (content === null) throw notFound(`No such ${args.kind.toLowerCase()}.`);
  const stored = await insertReportIfAbsent(ctx.db, { kind: args.kind, contentId: id, reporterId: viewer.userId, reason, excerpt: excerptOf(content) });
  if (stored) return stored;
  const open = await findOpenReport(ctx.db, viewer.userId, args.kind, id);
  if (!open) throw new Error(`a report of ${args.kind} ${id} collided with an open one that was then not found`);
  return open;
}

const isReportCursor = (value: unknown): value is ReportCursor =>
  Array.isArray(value) && value.length === 2 && isTimestampText(value[0]) && isUuid(value[1]);

/** ADMIN: reports, newest first, optionally of one status, with the exact total. */
export async function contentReports(ctx: CommunityContext, args: QueryContentReportsArgs) {
  requireRole(ctx, 'ADMIN');
  const { limit, after } = forwardPage(args, isReportCursor);
  const page = await findReportPage(ctx.db, { status: args.status ?? null, limit, after });
  return toConnection({
    rows: page.rows,
    limit,
    totalCount: page.totalCount,
    hasPreviousPage: page.hasPreviousPage,
    cursorOf: (row) => [row.cursor_key, row.id] satisfies ReportCursor,
    nodeOf: (row): ContentReport => row,
  });
}

const STATUS_OF_ACTION = { DISMISS: 'DISMISSED', REMOVE_CONTENT: 'CONTENT_REMOVED' } as const satisfies Record<string, ContentReportStatus>;

/**
 * ADMIN: closes an OPEN report. REMOVE_CONTENT removes the item in the same transaction (a
 * message is erased in place, a post goes with its comments, a comment as deleteComment
 * removes it) and closes every open report of it. The same decision again returns the report;
 * a different one is CONFLICT.
 */
export async function resolveContentReport(ctx: CommunityContext, args: MutationResolveContentReportArgs): Promise<ContentReport> {
  const viewer = requireRole(ctx, 'ADMIN');
  const id = parseId(args.id);
  const status = STATUS_OF_ACTION[args.action];
  const { report, deletedMessage } = await ctx.db.transaction().execute(async (trx) => {
    const report = await lockReport(trx, id);
    if (!report) throw notFound('No such report.');
    if (report.status !== 'OPEN') {
      if (report.status === status) return { report, deletedMessage: null };
      throw conflict(`The report was already resolved (${report.status}).`);
    }
    let deletedMessage: ChatMessage | null = null;
    if (status === 'CONTENT_REMOVED') {
      deletedMessage = await removeContent(trx, report.kind, report.content_id, viewer.userId);
      await resolveReportsOfItem(trx, report.kind, report.content_id, status, viewer.userId);
    }
    return { report: await resolveReport(trx, id, status, viewer.userId), deletedMessage };
  });
  // A removed message leaves the rooms' streams as a moderator's deletion does, after commit.
  if (deletedMessage) await ctx.live.messageDeleted(deletedMessage);
  forgetContent(ctx);
  return report;
}

/**
 * Removes a reported item, whoever wrote it; an item already gone is left as it is. Returns the
 * message it deleted, if it deleted one, for the live streams.
 */
async function removeContent(trx: Transaction<CommunityDatabase>, kind: ReportedContentKind, id: string, adminId: string): Promise<ChatMessage | null> {
  switch (kind) {
    case 'MESSAGE': {
      const found = await lockMessageForChange(trx, id, adminId);
      return found && !found.message.deleted_at ? markMessageDeleted(trx, id, adminId) : null;
    }
    case 'POST':
      await deletePostRow(trx, id);
      return null;
    case 'COMMENT': {
      const postId = await findPostIdOfComment(trx, id);
      if (!postId || !(await lockPostForChange(trx, postId, adminId))) return null;
      const comment = await findCommentOfPost(trx, postId, id);
      if (comment) await removeComment(trx, comment);
      return null;
    }
  }
}

/** The per-request caches a removal may have made stale. */
function forgetContent(ctx: CommunityContext): void {
  ctx.loaders.messageById.clearAll();
  ctx.loaders.lastMessageByRoom.clearAll();
  ctx.loaders.postById.clearAll();
  ctx.loaders.commentById.clearAll();
  ctx.loaders.commentPage.clearAll();
  ctx.loaders.commentCountByPost.clearAll();
}
