// Frozen on 2026-12-05: trainers' days off, taken out of their coaching availability, and who
// recorded a coaching session's learner as not turning up.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A span [starts_at, ends_at) the trainer takes no coaching bookings in. Spans may overlap:
  // availability merges them as one multirange.
  await sql`
    CREATE TABLE scheduling.trainer_time_off (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      trainer_id uuid NOT NULL REFERENCES scheduling.trainers (id) ON DELETE CASCADE,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      reason text CHECK (length(reason) BETWEEN 1 AND 500),
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT trainer_time_off_time_check CHECK (ends_at > starts_at)
    )`.execute(db);
  await sql`CREATE INDEX trainer_time_off_trainer_idx ON scheduling.trainer_time_off USING gist (trainer_id, tstzrange(starts_at, ends_at, '[)'))`.execute(db);
  await sql`ALTER TABLE scheduling.coaching_sessions ADD COLUMN no_show_at timestamptz, ADD COLUMN no_show_by uuid`.execute(db);
  // Sessions recorded as missed before this column existed: the start is the best time known.
  await sql`UPDATE scheduling.coaching_sessions SET no_show_at = starts_at WHERE status = 'NO_SHOW'`.execute(db);
  await sql`ALTER TABLE scheduling.coaching_sessions ADD CONSTRAINT coaching_sessions_no_show_check CHECK ((status = 'NO_SHOW') = (no_show_at IS NOT NULL))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE scheduling.coaching_sessions DROP CONSTRAINT coaching_sessions_no_show_check, DROP COLUMN no_show_at, DROP COLUMN no_show_by`.execute(db);
  await sql`DROP TABLE scheduling.trainer_time_off`.execute(db);
}
