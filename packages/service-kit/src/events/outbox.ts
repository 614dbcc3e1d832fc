import { sql, type Kysely, type Transaction } from 'kysely';
import { currentTraceparent } from '../observability/tracing.js';

/** A domain event as a consumer receives it, read from the producer's outbox. */
export interface DomainEvent<Payload = unknown> {
  /** Unique id of the event; consumers de-duplicate on it. */
  eventId: string;
  /** What happened, in PascalCase, e.g. `UserRegistered`. */
  type: string;
  /** Id of the entity the event is about, when there is one. */
  aggregateId: string | null;
  payload: Payload;
  occurredAt: Date;
  /** Id of the producing transaction (xid8). A decimal string: it may exceed 2^53. */
  txId: string;
  /** Position of the event in its outbox, increasing within a transaction. */
  id: number;
  /** W3C traceparent of the traced operation that appended the event; null when none was traced. */
  traceparent: string | null;
}

/** What a producer appends to its outbox. */
export interface NewDomainEvent {
  /** PascalCase event type, e.g. `UserRegistered` (the outbox refuses anything else). */
  type: string;
  aggregateId?: string | null;
  /** Any JSON value; stored as jsonb. */
  payload: unknown;
}

/** The channel on which `schema`'s producers announce new events and its consumers LISTEN. */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Appends `event` to `schema.outbox` and notifies `<schema>_outbox` listeners.
 *
 * Pass the transaction that makes the change the event describes: the event then commits or
 * rolls back with it, and the notification is delivered only at commit. Returns the event id.
 * When the append happens in a traced operation, the event keeps its traceparent, and the
 * consumers' handling of it joins that trace.
 */
export async function appendEvent(db: Kysely<any> | Transaction<any>, schema: string, event: NewDomainEvent): Promise<string> {
  // JSON.stringify here rather than letting pg encode it: pg would turn a JS array into a
  // Postgres array literal, not JSON.
  const payload = JSON.stringify(event.payload === undefined ? {} : event.payload);
  // One statement, so that even without a transaction the insert and its notification go
  // together.
  const { rows } = await sql<{ event_id: string }>`
    WITH appended AS (
      INSERT INTO ${sql.id(schema, 'outbox')} (type, aggregate_id, payload, traceparent)
      VALUES (${event.type}, ${event.aggregateId ?? null}, ${payload}::jsonb, ${currentTraceparent()})
      RETURNING event_id
    )
    SELECT event_id::text AS event_id, pg_notify(${outboxChannel(schema)}, '') AS notified FROM appended
  `.execute(db);
  const row = rows[0];
  if (!row) throw new Error(`appending ${event.type} to ${schema}.outbox returned no row`);
  return row.event_id;
}
