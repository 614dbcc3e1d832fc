import { sql, type Kysely } from 'kysely';
import { createEventTables } from '../shared/2026-11-22-events.js';

export async function up(db: Kysely<any>): Promise<void> {
  // The price of a course, or of one session when it overrides its course's price.
  await sql`
    CREATE TABLE commerce.prices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id uuid,
      session_id uuid,
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT prices_one_subject_check CHECK ((course_id IS NULL) <> (session_id IS NULL))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX prices_course_key ON commerce.prices (course_id) WHERE course_id IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX prices_session_key ON commerce.prices (session_id) WHERE session_id IS NOT NULL`.execute(db);
  await createEventTables(db, 'commerce', ['scheduling', 'learning', 'community', 'ai_analytics']);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA commerce_events CASCADE`.execute(db);
  await sql`DROP TABLE commerce.processed_events, commerce.event_checkpoints, commerce.outbox, commerce.prices`.execute(db);
}
