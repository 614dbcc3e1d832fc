import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A direct chat is keyed by its unordered pair of users (smaller id first), so that opening
  // one twice, even at the same instant, finds the same room. Rooms imported without the pair
  // (older data) keep NULLs and are simply not found by it.
  await sql`ALTER TABLE community.chat_rooms
    ADD COLUMN direct_user_low uuid,
    ADD COLUMN direct_user_high uuid,
    ADD CONSTRAINT chat_rooms_direct_pair_check CHECK (
      (direct_user_low IS NULL AND direct_user_high IS NULL)
      OR (kind = 'DIRECT' AND direct_user_low < direct_user_high)
    ),
    ADD CONSTRAINT chat_rooms_direct_pair_key UNIQUE (direct_user_low, direct_user_high)`.execute(db);
  // Existing direct rooms of exactly two members get their pair; of several rooms for one
  // pair, the oldest.
  await sql`
    WITH pairs AS (
      SELECT m.room_id, (array_agg(m.user_id ORDER BY m.user_id))[1] AS low, (array_agg(m.user_id ORDER BY m.user_id))[2] AS high, r.created_at
      FROM community.chat_room_members m JOIN community.chat_rooms r ON r.id = m.room_id
      WHERE r.kind = 'DIRECT'
      GROUP BY m.room_id, r.created_at
      HAVING count(*) = 2
    ), firsts AS (
      SELECT DISTINCT ON (low, high) room_id, low, high FROM pairs ORDER BY low, high, created_at, room_id
    )
    UPDATE community.chat_rooms r SET direct_user_low = f.low, direct_user_high = f.high
    FROM firsts f WHERE r.id = f.room_id`.execute(db);

  await sql`
    CREATE TABLE community.chat_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      room_id uuid NOT NULL REFERENCES community.chat_rooms (id) ON DELETE CASCADE,
      sequence bigint NOT NULL CHECK (sequence > 0),
      sender_id uuid,
      content text NOT NULL CHECK (length(content) <= 4000),
      client_message_id text CHECK (length(client_message_id) BETWEEN 1 AND 100),
      sent_at timestamptz NOT NULL DEFAULT now(),
      edited_at timestamptz,
      deleted_at timestamptz,
      CONSTRAINT chat_messages_room_sequence_key UNIQUE (room_id, sequence),
      CONSTRAINT chat_messages_deleted_check CHECK (deleted_at IS NULL OR content = '')
    )`.execute(db);
  // The retry of a send finds its first attempt; NULL ids (no idempotency asked) never collide.
  await sql`CREATE UNIQUE INDEX chat_messages_client_message_key
    ON community.chat_messages (room_id, sender_id, client_message_id)`.execute(db);

  await sql`
    CREATE TABLE community.notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      type text NOT NULL CHECK (type ~ '^[A-Z][A-Z0-9_]{0,63}$'),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      body text CHECK (length(body) <= 2000),
      priority text NOT NULL DEFAULT 'MEDIUM' CHECK (priority IN ('LOW','MEDIUM','HIGH','URGENT')),
      action_url text CHECK (length(action_url) <= 2000),
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX notifications_user_idx ON community.notifications (user_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX notifications_unread_idx ON community.notifications (user_id) WHERE read_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE community.notifications, community.chat_messages`.execute(db);
  await sql`ALTER TABLE community.chat_rooms
    DROP CONSTRAINT chat_rooms_direct_pair_key,
    DROP CONSTRAINT chat_rooms_direct_pair_check,
    DROP COLUMN direct_user_low,
    DROP COLUMN direct_user_high`.execute(db);
}
