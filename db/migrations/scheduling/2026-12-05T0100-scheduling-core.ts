// Frozen on 2026-12-05: no double-booking of trainers and venues, session topics, trainer
// qualifications and events.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // btree_gist lets one GiST index compare a uuid with = and a time range with &&.
  // Migrations run as the administrative role, which may create extensions; the subgraph role
  // needs no rights on it, as the index is maintained by the server on every insert.
  await sql`CREATE EXTENSION IF NOT EXISTS btree_gist`.execute(db);

  await sql`ALTER TABLE scheduling.training_sessions ADD COLUMN cancelled_at timestamptz`.execute(db);
  await sql`UPDATE scheduling.training_sessions SET cancelled_at = created_at WHERE status = 'CANCELLED'`.execute(db);

  // Data written before the rule may overlap: the later-created of two overlapping sessions
  // loses its trainer (a session may wait for one) or, at a venue, is cancelled.
  await sql`
    UPDATE scheduling.training_sessions s SET trainer_id = NULL
    WHERE s.status <> 'CANCELLED' AND s.trainer_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM scheduling.training_sessions o
      WHERE o.trainer_id = s.trainer_id AND o.status <> 'CANCELLED' AND (o.created_at, o.id) < (s.created_at, s.id)
        AND tstzrange(o.starts_at, o.ends_at, '[)') && tstzrange(s.starts_at, s.ends_at, '[)'))`.execute(db);
  await sql`
    UPDATE scheduling.training_sessions s
    SET status = 'CANCELLED', cancelled_at = now(), cancellation_reason = coalesce(s.cancellation_reason, 'The venue was double-booked.')
    WHERE s.status <> 'CANCELLED' AND s.venue_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM scheduling.training_sessions o
      WHERE o.venue_id = s.venue_id AND o.status <> 'CANCELLED' AND (o.created_at, o.id) < (s.created_at, s.id)
        AND tstzrange(o.starts_at, o.ends_at, '[)') && tstzrange(s.starts_at, s.ends_at, '[)'))`.execute(db);

  // A trainer, and a venue, holds one session at a time; cancelled sessions hold nothing.
  // Ranges are [starts, ends), so back-to-back sessions do not overlap.
  await sql`
    ALTER TABLE scheduling.training_sessions
      ADD CONSTRAINT training_sessions_trainer_overlap_excl EXCLUDE USING gist (
        trainer_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
      ) WHERE (status <> 'CANCELLED' AND trainer_id IS NOT NULL),
      ADD CONSTRAINT training_sessions_venue_overlap_excl EXCLUDE USING gist (
        venue_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
      ) WHERE (status <> 'CANCELLED' AND venue_id IS NOT NULL)`.execute(db);

  // What a session covers: a plain name, or a topic of learning's catalogue by id (no foreign
  // key across schemas), in the order given.
  await sql`
    CREATE TABLE scheduling.session_topics (
      session_id uuid NOT NULL REFERENCES scheduling.training_sessions (id) ON DELETE CASCADE,
      position integer NOT NULL CHECK (position > 0),
      name text CHECK (length(name) BETWEEN 1 AND 100),
      topic_id uuid,
      PRIMARY KEY (session_id, position),
      CONSTRAINT session_topics_one_of_check CHECK ((name IS NULL) <> (topic_id IS NULL))
    )`.execute(db);

  await sql`
    CREATE TABLE scheduling.trainer_qualifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      trainer_id uuid NOT NULL REFERENCES scheduling.trainers (id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      issued_at timestamptz NOT NULL,
      expires_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT trainer_qualifications_dates_check CHECK (expires_at IS NULL OR expires_at > issued_at)
    )`.execute(db);
  await sql`CREATE INDEX trainer_qualifications_trainer_idx ON scheduling.trainer_qualifications (trainer_id, expires_at)`.execute(db);

  await sql`
    CREATE TABLE scheduling.events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description text,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      venue_id uuid REFERENCES scheduling.venues (id) ON DELETE RESTRICT,
      organizer_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN ('SCHEDULED', 'CANCELLED')),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT events_slug_key UNIQUE (slug),
      CONSTRAINT events_time_check CHECK (ends_at > starts_at)
    )`.execute(db);
  await sql`CREATE INDEX events_starts_idx ON scheduling.events (starts_at, id)`.execute(db);
  await sql`CREATE INDEX events_ends_idx ON scheduling.events (ends_at) WHERE status <> 'CANCELLED'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE scheduling.events, scheduling.trainer_qualifications, scheduling.session_topics`.execute(db);
  await sql`
    ALTER TABLE scheduling.training_sessions
      DROP CONSTRAINT training_sessions_venue_overlap_excl,
      DROP CONSTRAINT training_sessions_trainer_overlap_excl,
      DROP COLUMN cancelled_at`.execute(db);
}
