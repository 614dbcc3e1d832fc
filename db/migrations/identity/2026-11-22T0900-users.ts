import { sql, type Kysely } from 'kysely';
import { createEventTables } from '../shared/2026-11-22-events.js';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE identity.users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
      password_hash text,
      first_name text,
      last_name text,
      display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
      avatar_url text,
      bio text,
      timezone text,
      language text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_email_key UNIQUE (email)
    )`.execute(db);
  await sql`CREATE INDEX users_created_at_id_idx ON identity.users (created_at, id)`.execute(db);
  await sql`
    CREATE TABLE identity.user_roles (
      user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('LEARNER','TRAINER','CONTENT_AUTHOR','ORGANIZER','ANALYST','PARTNER','ADMIN')),
      granted_at timestamptz NOT NULL DEFAULT now(),
      granted_by uuid REFERENCES identity.users (id) ON DELETE SET NULL,
      PRIMARY KEY (user_id, role)
    )`.execute(db);
  await sql`CREATE INDEX user_roles_role_idx ON identity.user_roles (role, user_id)`.execute(db);
  await createEventTables(db, 'identity', ['learning', 'scheduling', 'commerce', 'community', 'ai_analytics']);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA identity_events CASCADE`.execute(db);
  await sql`DROP TABLE identity.processed_events, identity.event_checkpoints, identity.outbox, identity.user_roles, identity.users`.execute(db);
}
