import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // An e-mail another subgraph asked for carries the key of that request (e.g. the notification
  // it tells about): the request redelivered finds the row written before and writes none.
  await sql`ALTER TABLE identity.email_outbox ADD COLUMN source_key text CHECK (length(source_key) <= 200)`.execute(db);
  await sql`CREATE UNIQUE INDEX email_outbox_source_key ON identity.email_outbox (source_key) WHERE source_key IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX identity.email_outbox_source_key`.execute(db);
  await sql`ALTER TABLE identity.email_outbox DROP COLUMN source_key`.execute(db);
}
