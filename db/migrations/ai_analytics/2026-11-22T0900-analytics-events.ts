import { sql, type Kysely } from 'kysely';
import { createEventTables } from '../shared/2026-11-22-events.js';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE ai_analytics.analytics_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text NOT NULL CHECK (name ~ '^[A-Za-z][A-Za-z0-9_.:-]{0,99}$'),
      user_id uuid,
      anonymous_id text CHECK (length(anonymous_id) BETWEEN 1 AND 100),
      occurred_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      properties jsonb NOT NULL DEFAULT '{}',
      CONSTRAINT analytics_events_actor_check CHECK (user_id IS NOT NULL OR anonymous_id IS NOT NULL)
    )`.execute(db);
  await sql`CREATE INDEX analytics_events_name_time_idx ON ai_analytics.analytics_events (name, occurred_at)`.execute(db);
  await sql`CREATE INDEX analytics_events_time_idx ON ai_analytics.analytics_events (occurred_at)`.execute(db);
  await sql`CREATE INDEX analytics_events_user_time_idx ON ai_analytics.analytics_events (user_id, occurred_at)`.execute(db);
  await createEventTables(db, 'ai_analytics', []);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA ai_analytics_events CASCADE`.execute(db);
  await sql`DROP TABLE ai_analytics.processed_events, ai_analytics.event_checkpoints, ai_analytics.outbox,
    ai_analytics.analytics_events`.execute(db);
}
