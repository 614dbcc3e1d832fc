import { sql, type Kysely } from 'kysely';
import { createEventTables } from '../shared/2026-11-22-events.js';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE community.chat_rooms (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text CHECK (length(name) BETWEEN 1 AND 120),
      kind text NOT NULL CHECK (kind IN ('DIRECT','GROUP','SESSION','COACHING')),
      session_id uuid,
      created_by uuid,
      last_sequence bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX chat_rooms_session_key ON community.chat_rooms (session_id) WHERE session_id IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE community.chat_room_members (
      room_id uuid NOT NULL REFERENCES community.chat_rooms (id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      role text NOT NULL DEFAULT 'MEMBER' CHECK (role IN ('OWNER','MODERATOR','MEMBER')),
      joined_at timestamptz NOT NULL DEFAULT now(),
      last_read_sequence bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (room_id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX chat_room_members_user_idx ON community.chat_room_members (user_id, joined_at)`.execute(db);
  await createEventTables(db, 'community', ['ai_analytics']);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA community_events CASCADE`.execute(db);
  await sql`DROP TABLE community.processed_events, community.event_checkpoints, community.outbox,
    community.chat_room_members, community.chat_rooms`.execute(db);
}
