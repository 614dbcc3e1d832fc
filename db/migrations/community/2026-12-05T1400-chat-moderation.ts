import { sql, type Kysely } from 'kysely';

// Moderation of chat rooms: who erased a message, and members muted until a time. Typing and
// presence are not here: they are never stored.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE community.chat_messages ADD COLUMN deleted_by uuid,
    ADD CONSTRAINT chat_messages_deleted_by_check CHECK (deleted_by IS NULL OR deleted_at IS NOT NULL)`.execute(db);
  // messageDeleted(since) replays a room's deletions in the order they were made.
  await sql`CREATE INDEX chat_messages_deleted_idx ON community.chat_messages (room_id, deleted_at, id) WHERE deleted_at IS NOT NULL`.execute(db);
  // A mute outlives a membership (leaving and being added back does not end it) and ends by
  // itself at muted_until; an expired row is the same as none.
  await sql`
    CREATE TABLE community.chat_room_mutes (
      room_id uuid NOT NULL REFERENCES community.chat_rooms (id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      muted_until timestamptz NOT NULL,
      muted_by uuid NOT NULL,
      muted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (room_id, user_id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE community.chat_room_mutes`.execute(db);
  await sql`DROP INDEX community.chat_messages_deleted_idx`.execute(db);
  await sql`ALTER TABLE community.chat_messages DROP CONSTRAINT chat_messages_deleted_by_check, DROP COLUMN deleted_by`.execute(db);
}
