import { sql, type Kysely } from 'kysely';

// Saved analytics reports: a figure an analyst defines once (its type and parameters) and
// re-runs, with the snapshot of its last run. A private report is its creator's (and ADMIN's);
// a shared one every analyst's.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE ai_analytics.analytics_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      report_type text NOT NULL CHECK (report_type IN ('ACTIVE_USERS', 'EVENT_COUNTS', 'FUNNEL')),
      parameters jsonb NOT NULL CHECK (jsonb_typeof(parameters) = 'object'),
      shared boolean NOT NULL DEFAULT false,
      result jsonb NOT NULL,
      computed_at timestamptz NOT NULL,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // The list newest first: an analyst's own reports, and the shared ones.
  await sql`CREATE INDEX analytics_reports_created_by_idx ON ai_analytics.analytics_reports (created_by, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX analytics_reports_shared_idx ON ai_analytics.analytics_reports (created_at DESC, id DESC) WHERE shared`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE ai_analytics.analytics_reports`.execute(db);
}
