// Frozen on 2026-12-06: ai-analytics records community's domain events as analytics events,
// reading them as identity does, through community_events.read_outbox.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`GRANT USAGE ON SCHEMA community_events TO academy_ai_analytics`.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION community_events.read_outbox(xid8, bigint, integer) TO academy_ai_analytics`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`REVOKE EXECUTE ON FUNCTION community_events.read_outbox(xid8, bigint, integer) FROM academy_ai_analytics`.execute(db);
  await sql`REVOKE USAGE ON SCHEMA community_events FROM academy_ai_analytics`.execute(db);
}
