import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A post is PUBLIC (no room) or addressed to the members of one room: MEMBERS to a training
  // session's room, PRIVATE to any other room. Who may read it follows from the room's members,
  // which community keeps itself.
  await sql`
    CREATE TABLE community.posts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      author_id uuid NOT NULL,
      content text NOT NULL CHECK (length(content) BETWEEN 1 AND 5000),
      visibility text NOT NULL CHECK (visibility IN ('PUBLIC','MEMBERS','PRIVATE')),
      room_id uuid REFERENCES community.chat_rooms (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      edited_at timestamptz,
      CONSTRAINT posts_room_check CHECK ((visibility = 'PUBLIC') = (room_id IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX posts_created_idx ON community.posts (created_at)`.execute(db);
  await sql`CREATE INDEX posts_room_idx ON community.posts (room_id) WHERE room_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX posts_author_idx ON community.posts (author_id)`.execute(db);

  // Comments and their replies, one level deep. A removed comment that has replies keeps its
  // place without its text; one without replies goes.
  await sql`
    CREATE TABLE community.post_comments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      post_id uuid NOT NULL REFERENCES community.posts (id) ON DELETE CASCADE,
      parent_id uuid,
      author_id uuid NOT NULL,
      content text NOT NULL CHECK (length(content) <= 2000),
      created_at timestamptz NOT NULL DEFAULT now(),
      edited_at timestamptz,
      deleted_at timestamptz,
      CONSTRAINT post_comments_post_id_key UNIQUE (post_id, id),
      -- A reply belongs to the same post as the comment it answers.
      CONSTRAINT post_comments_parent_fkey FOREIGN KEY (post_id, parent_id) REFERENCES community.post_comments (post_id, id) ON DELETE CASCADE,
      CONSTRAINT post_comments_deleted_check CHECK (deleted_at IS NULL OR content = ''),
      CONSTRAINT post_comments_not_empty_check CHECK (deleted_at IS NOT NULL OR length(content) >= 1)
    )`.execute(db);
  await sql`CREATE INDEX post_comments_top_idx ON community.post_comments (post_id, created_at, id) WHERE parent_id IS NULL`.execute(db);
  await sql`CREATE INDEX post_comments_reply_idx ON community.post_comments (parent_id, created_at, id) WHERE parent_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX post_comments_created_idx ON community.post_comments (created_at)`.execute(db);

  // One reaction per user and post; switching changes its kind and keeps reacted_at, so the
  // engagement a feed snapshot counts stays what it was.
  await sql`
    CREATE TABLE community.post_reactions (
      post_id uuid NOT NULL REFERENCES community.posts (id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('LIKE','LOVE','CELEBRATE','INSIGHTFUL')),
      reacted_at timestamptz NOT NULL DEFAULT now(),
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (post_id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX post_reactions_kind_idx ON community.post_reactions (post_id, kind)`.execute(db);
  await sql`CREATE INDEX post_reactions_reacted_idx ON community.post_reactions (reacted_at)`.execute(db);

  // Who was mentioned where: a user is told once per post (comment_id NULL) or comment,
  // however often it is edited.
  await sql`
    CREATE TABLE community.post_mentions (
      post_id uuid NOT NULL REFERENCES community.posts (id) ON DELETE CASCADE,
      comment_id uuid REFERENCES community.post_comments (id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT post_mentions_key UNIQUE NULLS NOT DISTINCT (post_id, comment_id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX post_mentions_comment_idx ON community.post_mentions (comment_id) WHERE comment_id IS NOT NULL`.execute(db);

  // Reports of messages, posts and comments. The reported item is named by kind and id only
  // (it may be removed while the report stays); excerpt keeps what it said when reported.
  await sql`
    CREATE TABLE community.content_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('MESSAGE','POST','COMMENT')),
      content_id uuid NOT NULL,
      reporter_id uuid NOT NULL,
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
      excerpt text NOT NULL CHECK (length(excerpt) <= 500),
      status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN','DISMISSED','CONTENT_REMOVED')),
      created_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      resolved_by uuid,
      CONSTRAINT content_reports_resolved_check CHECK ((status = 'OPEN') = (resolved_at IS NULL))
    )`.execute(db);
  // One open report per reporter and item: a repeated report finds the first.
  await sql`CREATE UNIQUE INDEX content_reports_open_key ON community.content_reports (reporter_id, kind, content_id) WHERE status = 'OPEN'`.execute(db);
  await sql`CREATE INDEX content_reports_item_idx ON community.content_reports (kind, content_id)`.execute(db);
  await sql`CREATE INDEX content_reports_list_idx ON community.content_reports (created_at DESC, id DESC)`.execute(db);

  // chatActivity counts messages by the time they were sent.
  await sql`CREATE INDEX chat_messages_sent_idx ON community.chat_messages (sent_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX community.chat_messages_sent_idx`.execute(db);
  await sql`DROP TABLE community.content_reports, community.post_mentions, community.post_reactions, community.post_comments, community.posts`.execute(db);
}
