// Frozen on 2026-12-06: each outbox event keeps the W3C traceparent of the operation that
// appended it, so the consumers' handling joins that operation's trace.
import { sql, type Kysely } from 'kysely';

const COLUMNS = ['tx_id xid8', 'id bigint', 'event_id uuid', 'type text', 'aggregate_id text', 'payload jsonb', 'occurred_at timestamptz'];

/**
 * Replaces `schema`'s read_outbox with one returning `extraColumns` too, keeping who may call it:
 * a function's result columns cannot be changed in place, and dropping it drops its grants.
 */
async function replaceReadOutbox(db: Kysely<any>, schema: string, extraColumns: { name: string; type: string }[]): Promise<void> {
  const signature = `"${schema}_events".read_outbox(xid8, bigint, integer)`;
  const { rows } = await sql<{ grantee: string }>`
    SELECT a.grantee::regrole::text AS grantee
    FROM pg_proc p CROSS JOIN LATERAL aclexplode(p.proacl) a
    WHERE p.oid = ${signature}::regprocedure AND a.privilege_type = 'EXECUTE' AND a.grantee <> 0 AND a.grantee <> p.proowner
  `.execute(db);
  await sql.raw(`DROP FUNCTION ${signature}`).execute(db);
  const returns = [...COLUMNS, ...extraColumns.map((c) => `${c.name} ${c.type}`)].join(', ');
  const selected = ['tx_id', 'id', 'event_id', 'type', 'aggregate_id', 'payload', 'occurred_at', ...extraColumns.map((c) => c.name)].map((c) => `o.${c}`).join(', ');
  // Readers see events in (transaction id, id) order, and only those of transactions older than
  // every transaction still running (as the function this replaces).
  await sql.raw(`
    CREATE FUNCTION "${schema}_events".read_outbox(after_tx xid8, after_id bigint, max_events integer)
    RETURNS TABLE (${returns})
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$
      SELECT ${selected}
      FROM "${schema}".outbox o
      WHERE (o.tx_id, o.id) > (after_tx, after_id)
        AND o.tx_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY o.tx_id, o.id
      LIMIT max_events
    $fn$`).execute(db);
  await sql.raw(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`).execute(db);
  for (const { grantee } of rows) await sql.raw(`GRANT EXECUTE ON FUNCTION ${signature} TO ${grantee}`).execute(db);
}

/** Adds `traceparent` to `schema.outbox` and to what its read_outbox returns. */
export async function addOutboxTraceparent(db: Kysely<any>, schema: string): Promise<void> {
  await sql`
    ALTER TABLE ${sql.id(schema, 'outbox')} ADD COLUMN traceparent text
      CHECK (traceparent ~ '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$')`.execute(db);
  await replaceReadOutbox(db, schema, [{ name: 'traceparent', type: 'text' }]);
}

/** Undoes addOutboxTraceparent. */
export async function removeOutboxTraceparent(db: Kysely<any>, schema: string): Promise<void> {
  await replaceReadOutbox(db, schema, []);
  await sql`ALTER TABLE ${sql.id(schema, 'outbox')} DROP COLUMN traceparent`.execute(db);
}
