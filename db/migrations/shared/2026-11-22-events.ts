// Frozen on 2026-11-22: the tables of domain events, shared by every subgraph's first migration.
import { sql, type Kysely } from 'kysely';

/**
 * The outbox of `schema` (events written in the same transaction as the change that causes
 * them), the function through which the roles in `readers` may read it, and the tables in
 * which `schema`'s own consumers record how far they got and which events they handled.
 */
export async function createEventTables(db: Kysely<any>, schema: string, readers: string[]): Promise<void> {
  const s = sql.id(schema);
  const api = sql.id(`${schema}_events`);
  await sql`
    CREATE TABLE ${s}.outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
      type text NOT NULL CHECK (type ~ '^[A-Z][A-Za-z]+$'),
      aggregate_id text,
      payload jsonb NOT NULL DEFAULT '{}',
      occurred_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX outbox_tx_id_idx ON ${s}.outbox (tx_id, id)`.execute(db);

  // Readers see events in (transaction id, id) order, and only those of transactions
  // older than every transaction still running: an event can then never appear behind a
  // point a reader has already passed.
  await sql`CREATE SCHEMA ${api}`.execute(db);
  await sql`REVOKE ALL ON SCHEMA ${api} FROM PUBLIC`.execute(db);
  await sql.raw(`
    CREATE FUNCTION "${schema}_events".read_outbox(after_tx xid8, after_id bigint, max_events integer)
    RETURNS TABLE (tx_id xid8, id bigint, event_id uuid, type text, aggregate_id text, payload jsonb, occurred_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$
      SELECT o.tx_id, o.id, o.event_id, o.type, o.aggregate_id, o.payload, o.occurred_at
      FROM "${schema}".outbox o
      WHERE (o.tx_id, o.id) > (after_tx, after_id)
        AND o.tx_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY o.tx_id, o.id
      LIMIT max_events
    $fn$`).execute(db);
  await sql.raw(`REVOKE ALL ON FUNCTION "${schema}_events".read_outbox(xid8, bigint, integer) FROM PUBLIC`).execute(db);
  for (const reader of [`academy_${schema}`, ...readers.map((r) => `academy_${r}`)]) {
    await sql.raw(`GRANT USAGE ON SCHEMA "${schema}_events" TO "${reader}"`).execute(db);
    await sql.raw(`GRANT EXECUTE ON FUNCTION "${schema}_events".read_outbox(xid8, bigint, integer) TO "${reader}"`).execute(db);
  }

  await sql`
    CREATE TABLE ${s}.event_checkpoints (
      source text NOT NULL,
      consumer text NOT NULL,
      tx_id xid8 NOT NULL DEFAULT '0',
      last_id bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, consumer)
    )`.execute(db);
  await sql`
    CREATE TABLE ${s}.processed_events (
      consumer text NOT NULL,
      event_id uuid NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`.execute(db);
}
