import { keysetPage, type KeysetPage } from '@academy/service-kit';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ChatMemberRole, CommunityDatabase, Post, PostComment, PostVisibility, ReactionKind } from '../db/database.js';

type Db = Kysely<CommunityDatabase> | Transaction<CommunityDatabase>;

/** Stores a post. */
export async function insertPost(
  trx: Transaction<CommunityDatabase>,
  post: { authorId: string; content: string; visibility: PostVisibility; roomId: string | null },
): Promise<Post> {
  return trx
    .insertInto('community.posts')
    .values({ author_id: post.authorId, content: post.content, visibility: post.visibility, room_id: post.roomId, edited_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPostsByIds(db: Db, ids: readonly string[]): Promise<Post[]> {
  return db.selectFrom('community.posts').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/**
 * A post with the role in its room of the user about to act on it (null: not a member, or a
 * PUBLIC post), locked until the transaction ends: changes to one post and its comments queue.
 */
export async function lockPostForChange(
  trx: Transaction<CommunityDatabase>,
  postId: string,
  actorId: string,
): Promise<{ post: Post; actorRole: ChatMemberRole | null } | null> {
  const { rows } = await sql<Post & { actor_role: ChatMemberRole | null }>`
    SELECT p.*, mem.role AS actor_role
    FROM community.posts p
    LEFT JOIN community.chat_room_members mem ON mem.room_id = p.room_id AND mem.user_id = ${actorId}
    WHERE p.id = ${postId}
    FOR NO KEY UPDATE OF p`.execute(trx);
  const row = rows[0];
  if (!row) return null;
  const { actor_role, ...post } = row;
  return { post, actorRole: actor_role };
}

/**
 * A post with the role in its room of `actorId`. With `keyShare`, the post cannot be deleted
 * until the transaction ends, yet any number of such readers go ahead at once.
 */
export async function findPostForActor(
  db: Db,
  postId: string,
  actorId: string,
  lock: 'keyShare' | null,
): Promise<{ post: Post; actorRole: ChatMemberRole | null } | null> {
  const { rows } = await sql<Post & { actor_role: ChatMemberRole | null }>`
    SELECT p.*, mem.role AS actor_role
    FROM community.posts p
    LEFT JOIN community.chat_room_members mem ON mem.room_id = p.room_id AND mem.user_id = ${actorId}
    WHERE p.id = ${postId}
    ${lock === 'keyShare' ? sql`FOR KEY SHARE OF p` : sql``}`.execute(db);
  const row = rows[0];
  if (!row) return null;
  const { actor_role, ...post } = row;
  return { post, actorRole: actor_role };
}

/** Replaces a post's text and stamps the edit. */
export async function updatePostContent(trx: Transaction<CommunityDatabase>, postId: string, content: string): Promise<Post> {
  return trx
    .updateTable('community.posts')
    .set({ content, edited_at: sql<Date>`now()` })
    .where('id', '=', postId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Removes a post; its comments, reactions and mentions go with it. */
export async function deletePostRow(trx: Transaction<CommunityDatabase>, postId: string): Promise<boolean> {
  const result = await trx.deleteFrom('community.posts').where('id', '=', postId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Position in a feed: the moment it ranks at (as PostgreSQL prints it), the post's score then, and its id. */
export type FeedCursor = [string, number, string];

/** A feed page's row: the post, its score and the moment the feed is ranked at. */
export type FeedRow = Post & { score: number; as_of: string };

/**
 * One page of the posts `viewerId` may read (PUBLIC ones and those of their rooms; null: PUBLIC
 * only) ranked at the moment `asOf` (null: now), with the exact total, in one statement.
 *
 * Everything the score depends on is frozen at `asOf`: posts written later are left out, a
 * post's age is measured to `asOf`, and only reactions and comments made by then count. So a
 * cursor names the same place in the ranking on every later read, whatever was added since.
 */
export async function findFeedPage(
  db: Db,
  query: { viewerId: string | null; asOf: string | null; after: FeedCursor | null; limit: number },
): Promise<KeysetPage<FeedRow>> {
  const asOf = query.asOf === null ? sql`now()` : sql`${query.asOf}::timestamptz`;
  const readable = query.viewerId
    ? sql`(p.visibility = 'PUBLIC' OR p.author_id = ${query.viewerId}::uuid
          OR p.room_id IN (SELECT m.room_id FROM community.chat_room_members m WHERE m.user_id = ${query.viewerId}::uuid))`
    : sql`p.visibility = 'PUBLIC'`;
  return keysetPage<FeedRow>(db, {
    filtered: sql`
      SELECT p.*, ranked.as_of::text AS as_of,
        (1 + coalesce(r.n, 0) + 2 * coalesce(c.n, 0))::float8
          / power(greatest(extract(epoch FROM ranked.as_of - p.created_at)::float8, 0) / 3600 + 2, 1.5) AS score
      FROM (SELECT ${asOf} AS as_of) ranked
      JOIN community.posts p ON p.created_at <= ranked.as_of
      LEFT JOIN LATERAL (
        SELECT count(*) AS n FROM community.post_reactions x WHERE x.post_id = p.id AND x.reacted_at <= ranked.as_of
      ) r ON true
      LEFT JOIN LATERAL (
        SELECT count(*) AS n FROM community.post_comments x
        WHERE x.post_id = p.id AND x.created_at <= ranked.as_of AND (x.deleted_at IS NULL OR x.deleted_at > ranked.as_of)
      ) c ON true
      WHERE ${readable}`,
    sortColumn: 'score',
    descending: true,
    after: query.after ? sql`(${query.after[1]}::float8, ${query.after[2]}::uuid)` : null,
    limit: query.limit,
  });
}

// ---------------------------------------------------------------- comments

/** Stores a comment (a reply when parentId is set). */
export async function insertComment(
  trx: Transaction<CommunityDatabase>,
  comment: { postId: string; parentId: string | null; authorId: string; content: string },
): Promise<PostComment> {
  return trx
    .insertInto('community.post_comments')
    .values({
      post_id: comment.postId,
      parent_id: comment.parentId,
      author_id: comment.authorId,
      content: comment.content,
      edited_at: null,
      deleted_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findCommentsByIds(db: Db, ids: readonly string[]): Promise<PostComment[]> {
  return db.selectFrom('community.post_comments').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** A comment of the post locked by the caller (see lockPostForChange), or null. */
export async function findCommentOfPost(trx: Transaction<CommunityDatabase>, postId: string, commentId: string): Promise<PostComment | null> {
  const row = await trx.selectFrom('community.post_comments').selectAll().where('id', '=', commentId).where('post_id', '=', postId).executeTakeFirst();
  return row ?? null;
}

/** The post a comment belongs to, or null for no such comment. */
export async function findPostIdOfComment(db: Db, commentId: string): Promise<string | null> {
  const row = await db.selectFrom('community.post_comments').select('post_id').where('id', '=', commentId).executeTakeFirst();
  return row?.post_id ?? null;
}

/** Replaces a comment's text and stamps the edit. */
export async function updateCommentContent(trx: Transaction<CommunityDatabase>, commentId: string, content: string): Promise<PostComment> {
  return trx
    .updateTable('community.post_comments')
    .set({ content, edited_at: sql<Date>`now()` })
    .where('id', '=', commentId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Whether any reply to the comment is left. */
export async function hasReplies(trx: Transaction<CommunityDatabase>, commentId: string): Promise<boolean> {
  const row = await trx.selectFrom('community.post_comments').select('id').where('parent_id', '=', commentId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Erases a comment's text: it keeps its place while replies to it remain. */
export async function markCommentDeleted(trx: Transaction<CommunityDatabase>, commentId: string): Promise<void> {
  await trx
    .updateTable('community.post_comments')
    .set({ content: '', deleted_at: sql<Date>`now()` })
    .where('id', '=', commentId)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Removes a comment row (and any replies, by the foreign key). */
export async function deleteCommentRow(trx: Transaction<CommunityDatabase>, commentId: string): Promise<void> {
  await trx.deleteFrom('community.post_comments').where('id', '=', commentId).execute();
}

/** Position in a list of comments (oldest first): the time as PostgreSQL prints it, and the id. */
export type CommentCursor = [string, string];

/** A request for one page of comments: a post's own (`postId`) or a comment's replies (`parentId`). */
export interface CommentPageKey {
  scope: 'post' | 'replies';
  /** The post's id, or the parent comment's. */
  ownerId: string;
  limit: number;
  after: CommentCursor | null;
}

/** A page of comments as read: up to limit + 1 rows, the exact total, and whether rows precede it. */
export interface CommentPage {
  rows: (PostComment & { cursor_key: string })[];
  totalCount: number;
  hasPreviousPage: boolean;
}

/**
 * Pages of comments for any number of posts (or parent comments) in one statement per scope,
 * each with its exact total and whether earlier rows exist, oldest first.
 */
export async function findCommentPages(db: Db, keys: readonly CommentPageKey[]): Promise<CommentPage[]> {
  const pages: CommentPage[] = keys.map(() => ({ rows: [], totalCount: 0, hasPreviousPage: false }));
  for (const scope of ['post', 'replies'] as const) {
    const indexes = keys.flatMap((key, i) => (key.scope === scope ? [i] : []));
    if (indexes.length === 0) continue;
    const chosen = indexes.map((i) => keys[i]!);
    const owned = scope === 'post' ? sql`c.post_id = k.owner_id AND c.parent_id IS NULL` : sql`c.parent_id = k.owner_id`;
    const { rows } = await sql<PostComment & { key_index: number; total_count: number; has_previous: boolean; cursor_key: string | null }>`
      SELECT k.key_index::int AS key_index, t.total_count, t.has_previous, page.*
      FROM unnest(
        ${chosen.map((k) => k.ownerId)}::uuid[],
        ${chosen.map((k) => k.after?.[0] ?? null)}::timestamptz[],
        ${chosen.map((k) => k.after?.[1] ?? null)}::uuid[],
        ${chosen.map((k) => k.limit)}::int[]
      ) WITH ORDINALITY AS k(owner_id, after_at, after_id, row_limit, key_index)
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS total_count,
          coalesce(bool_or(k.after_id IS NOT NULL AND (c.created_at, c.id) <= (k.after_at, k.after_id)), false) AS has_previous
        FROM community.post_comments c WHERE ${owned}
      ) t
      LEFT JOIN LATERAL (
        SELECT c.*, c.created_at::text AS cursor_key FROM community.post_comments c
        WHERE ${owned} AND (k.after_id IS NULL OR (c.created_at, c.id) > (k.after_at, k.after_id))
        ORDER BY c.created_at, c.id
        LIMIT k.row_limit + 1
      ) page ON true
      ORDER BY k.key_index, page.created_at, page.id`.execute(db);
    for (const { key_index, total_count, has_previous, cursor_key, ...comment } of rows) {
      const page = pages[indexes[key_index - 1]!]!;
      page.totalCount = total_count;
      page.hasPreviousPage = has_previous;
      if (cursor_key !== null) page.rows.push({ ...comment, cursor_key });
    }
  }
  return pages;
}

/** Comments and replies per post, removed ones not counted (posts without any are left out). */
export async function countCommentsOfPosts(db: Db, postIds: readonly string[]): Promise<{ post_id: string; comments: number }[]> {
  return db
    .selectFrom('community.post_comments')
    .select(['post_id', sql<number>`count(*)::int`.as('comments')])
    .where('post_id', '=', sql<string>`ANY(${postIds}::uuid[])`)
    .where('deleted_at', 'is', null)
    .groupBy('post_id')
    .execute();
}

// ---------------------------------------------------------------- reactions

/**
 * Sets a user's reaction to a post in one statement: concurrent reactions of many users never
 * lose one, and the same user's concurrent calls meet on the (post, user) key. A switch keeps
 * reacted_at (the moment the user first reacted).
 */
export async function upsertReaction(db: Db, postId: string, userId: string, kind: ReactionKind): Promise<void> {
  await db
    .insertInto('community.post_reactions')
    .values({ post_id: postId, user_id: userId, kind })
    .onConflict((oc) =>
      oc
        .columns(['post_id', 'user_id'])
        .doUpdateSet({ kind: (eb) => eb.ref('excluded.kind'), changed_at: sql<Date>`now()` })
        .where('community.post_reactions.kind', '<>', (eb) => eb.ref('excluded.kind')),
    )
    .execute();
}

/** Takes a user's reaction to a post back. */
export async function deleteReaction(db: Db, postId: string, userId: string): Promise<void> {
  await db.deleteFrom('community.post_reactions').where('post_id', '=', postId).where('user_id', '=', userId).execute();
}

/** Reactions per post and kind, counted exactly at read time (kinds without any are left out). */
export async function countReactionsOfPosts(db: Db, postIds: readonly string[]): Promise<{ post_id: string; kind: ReactionKind; count: number }[]> {
  return db
    .selectFrom('community.post_reactions')
    .select(['post_id', 'kind', sql<number>`count(*)::int`.as('count')])
    .where('post_id', '=', sql<string>`ANY(${postIds}::uuid[])`)
    .groupBy(['post_id', 'kind'])
    .orderBy('post_id')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('kind')
    .execute();
}

/** A user's reactions to the posts (posts they did not react to are left out). */
export async function findReactionsOfUser(db: Db, userId: string, postIds: readonly string[]): Promise<{ post_id: string; kind: ReactionKind }[]> {
  return db
    .selectFrom('community.post_reactions')
    .select(['post_id', 'kind'])
    .where('user_id', '=', userId)
    .where('post_id', '=', sql<string>`ANY(${postIds}::uuid[])`)
    .execute();
}

// ---------------------------------------------------------------- mentions

/**
 * Records that `userIds` are mentioned in the post (commentId null) or the comment; returns
 * those not recorded before, who are the ones to notify.
 */
export async function insertMentions(
  trx: Transaction<CommunityDatabase>,
  postId: string,
  commentId: string | null,
  userIds: readonly string[],
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await trx
    .insertInto('community.post_mentions')
    .values(userIds.map((userId) => ({ post_id: postId, comment_id: commentId, user_id: userId })))
    .onConflict((oc) => oc.constraint('post_mentions_key').doNothing())
    .returning('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}
