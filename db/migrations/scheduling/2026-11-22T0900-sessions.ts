import { sql, type Kysely } from 'kysely';
import { createEventTables } from '../shared/2026-11-22-events.js';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE scheduling.venues (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      address_line1 text,
      address_line2 text,
      city text,
      postcode text,
      capacity integer CHECK (capacity > 0),
      facilities text[] NOT NULL DEFAULT '{}',
      parking_info text,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT venues_name_key UNIQUE (name)
    )`.execute(db);
  await sql`
    CREATE TABLE scheduling.trainers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      bio text,
      specializations text[] NOT NULL DEFAULT '{}',
      qualification_expires_at timestamptz,
      is_active boolean NOT NULL DEFAULT true,
      rating_sum integer NOT NULL DEFAULT 0,
      rating_count integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT trainers_user_key UNIQUE (user_id)
    )`.execute(db);
  await sql`
    CREATE TABLE scheduling.training_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id uuid NOT NULL,
      venue_id uuid REFERENCES scheduling.venues (id) ON DELETE RESTRICT,
      trainer_id uuid REFERENCES scheduling.trainers (id) ON DELETE RESTRICT,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'SCHEDULED'
        CHECK (status IN ('SCHEDULED','CONFIRMED','IN_PROGRESS','COMPLETED','CANCELLED')),
      capacity integer NOT NULL CHECK (capacity > 0),
      seats_taken integer NOT NULL DEFAULT 0,
      online_join_url text,
      cancellation_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT training_sessions_time_check CHECK (ends_at > starts_at),
      CONSTRAINT training_sessions_seats_check CHECK (seats_taken BETWEEN 0 AND capacity)
    )`.execute(db);
  await sql`CREATE INDEX training_sessions_course_starts_idx ON scheduling.training_sessions (course_id, starts_at)`.execute(db);
  await sql`CREATE INDEX training_sessions_venue_starts_idx ON scheduling.training_sessions (venue_id, starts_at)`.execute(db);
  await sql`CREATE INDEX training_sessions_trainer_starts_idx ON scheduling.training_sessions (trainer_id, starts_at)`.execute(db);
  await sql`CREATE INDEX training_sessions_starts_idx ON scheduling.training_sessions (starts_at, id)`.execute(db);
  await createEventTables(db, 'scheduling', ['community', 'commerce', 'learning']);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA scheduling_events CASCADE`.execute(db);
  await sql`DROP TABLE scheduling.processed_events, scheduling.event_checkpoints, scheduling.outbox,
    scheduling.training_sessions, scheduling.trainers, scheduling.venues`.execute(db);
}
