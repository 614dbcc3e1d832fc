// Frozen on 2026-12-05: ai_analytics records scheduling's domain events as analytics events, so
// its role may read scheduling's outbox (through the read function, as the other readers do).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`GRANT USAGE ON SCHEMA scheduling_events TO academy_ai_analytics`.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION scheduling_events.read_outbox(xid8, bigint, integer) TO academy_ai_analytics`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`REVOKE EXECUTE ON FUNCTION scheduling_events.read_outbox(xid8, bigint, integer) FROM academy_ai_analytics`.execute(db);
  await sql`REVOKE USAGE ON SCHEMA scheduling_events FROM academy_ai_analytics`.execute(db);
}
