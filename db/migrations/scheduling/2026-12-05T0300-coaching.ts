// Frozen on 2026-12-05: trainers' working hours and time zones, 1:1 coaching sessions, and the
// feedback learners leave on a session.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Equality on uuid inside a GiST exclusion constraint needs btree_gist.
  await sql`CREATE EXTENSION IF NOT EXISTS btree_gist`.execute(db);
  await sql`ALTER TABLE scheduling.trainers ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/London'
    CHECK (length(time_zone) BETWEEN 1 AND 64)`.execute(db);
  // Local wall-clock hours per ISO weekday (1 = Monday), turned into instants in the trainer's
  // time zone only when read, so that 09:00 stays 09:00 across daylight-saving changes.
  await sql`
    CREATE TABLE scheduling.trainer_working_hours (
      trainer_id uuid NOT NULL REFERENCES scheduling.trainers (id) ON DELETE CASCADE,
      weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
      starts_at time NOT NULL,
      ends_at time NOT NULL,
      CONSTRAINT trainer_working_hours_time_check CHECK (ends_at > starts_at OR ends_at = '24:00'),
      PRIMARY KEY (trainer_id, weekday, starts_at)
    )`.execute(db);
  await sql`
    CREATE TABLE scheduling.coaching_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      trainer_id uuid NOT NULL REFERENCES scheduling.trainers (id) ON DELETE RESTRICT,
      learner_id uuid NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'BOOKED' CHECK (status IN ('BOOKED','COMPLETED','CANCELLED','NO_SHOW')),
      meeting_url text NOT NULL,
      cancelled_at timestamptz,
      cancelled_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT coaching_sessions_time_check CHECK (ends_at > starts_at),
      CONSTRAINT coaching_sessions_cancelled_check CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL)),
      -- No coach and no learner is ever in two sessions at once, however the bookings race.
      CONSTRAINT coaching_sessions_trainer_overlap EXCLUDE USING gist
        (trainer_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status <> 'CANCELLED'),
      CONSTRAINT coaching_sessions_learner_overlap EXCLUDE USING gist
        (learner_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status <> 'CANCELLED')
    )`.execute(db);
  await sql`CREATE INDEX coaching_sessions_trainer_starts_idx ON scheduling.coaching_sessions (trainer_id, starts_at)`.execute(db);
  await sql`CREATE INDEX coaching_sessions_learner_starts_idx ON scheduling.coaching_sessions (learner_id, starts_at)`.execute(db);
  // One table for feedback on either kind of session: exactly one of the two is set, and a
  // user rates a session once.
  await sql`
    CREATE TABLE scheduling.session_feedback (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      coaching_session_id uuid REFERENCES scheduling.coaching_sessions (id) ON DELETE CASCADE,
      training_session_id uuid REFERENCES scheduling.training_sessions (id) ON DELETE CASCADE,
      trainer_id uuid NOT NULL REFERENCES scheduling.trainers (id) ON DELETE CASCADE,
      rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
      comment text CHECK (length(comment) <= 2000),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT session_feedback_one_session_check CHECK (num_nonnulls(coaching_session_id, training_session_id) = 1),
      CONSTRAINT session_feedback_coaching_key UNIQUE (user_id, coaching_session_id),
      CONSTRAINT session_feedback_training_key UNIQUE (user_id, training_session_id)
    )`.execute(db);
  await sql`CREATE INDEX session_feedback_coaching_idx ON scheduling.session_feedback (coaching_session_id)`.execute(db);
  await sql`CREATE INDEX session_feedback_training_idx ON scheduling.session_feedback (training_session_id)`.execute(db);
  await sql`CREATE INDEX session_feedback_trainer_idx ON scheduling.session_feedback (trainer_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE scheduling.session_feedback, scheduling.coaching_sessions, scheduling.trainer_working_hours`.execute(db);
  await sql`ALTER TABLE scheduling.trainers DROP COLUMN time_zone`.execute(db);
}
