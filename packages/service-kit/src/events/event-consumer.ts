import { sql, type Kysely, type Transaction } from 'kysely';
import pg from 'pg';
import { OutageLog } from '../db.js';
import { ListeningConnection } from '../listening-connection.js';
import { createLogger, type Logger } from '../logger.js';
import { contextOfTraceparent, inSpan, SpanKind, TraceAttribute, tracingActive } from '../observability/tracing.js';
import { watchEventConsumer, type ConsumerLag } from '../observability/consumer-metrics.js';
import { outboxChannel, type DomainEvent } from './outbox.js';

/** Handles one event inside the consumer's transaction; throwing rolls that transaction back. */
export type EventHandler<DB = any> = (event: DomainEvent, trx: Transaction<DB>) => Promise<void>;

export interface EventConsumerOptions<DB = any> {
  /** Name of this consumer, unique within its schema, e.g. `ai-analytics.user-registered`. */
  name: string;
  /** The producing schema whose outbox is read, e.g. `commerce`. */
  source: string;
  /** The consumer's own schema, holding its checkpoints and processed events. */
  schema: string;
  /** The consumer's own role connection. */
  db: Kysely<DB>;
  /**
   * Where to LISTEN for new events: a connection string, or a pool to borrow one client from
   * for as long as the consumer runs. Without it the consumer only polls.
   */
  listen?: string | pg.Pool;
  /** Handlers by event type; events of other types are skipped. */
  handlers: Record<string, EventHandler<DB>>;
  /** Events read per query. Default 100. */
  batchSize?: number;
  /** How often to look for events when no notification arrives. Default 1000 ms. */
  pollIntervalMs?: number;
  /** First wait before retrying a failed event; it doubles on each failure. Default 500 ms. */
  minRetryDelayMs?: number;
  /** Longest wait between retries of a failed event. Default 30 s. */
  maxRetryDelayMs?: number;
  logger?: Logger;
  /**
   * Called for each event that has a handler, once its transaction committed (whether the
   * handler ran or the event had been processed before) and before the checkpoint moves past
   * it. Throwing counts as a failure of that event.
   */
  onHandled?: (event: DomainEvent) => void | Promise<void>;
}

/** A running reader of one source's outbox. */
export interface EventConsumer {
  /** Starts listening and processing; resolves once the LISTEN connection is up. */
  start(): Promise<void>;
  /** Finishes the event in hand, records the checkpoint and closes the LISTEN connection. */
  stop(): Promise<void>;
  /**
   * Processes every event readable now, then resolves; rejects with an
   * {@link EventHandlerError} if an event fails. Works whether or not the consumer is started.
   */
  drain(): Promise<void>;
}

/** An event whose handler (or `onHandled`) failed; nothing after it was processed. */
export class EventHandlerError extends Error {
  constructor(
    readonly consumer: string,
    readonly event: DomainEvent,
    options: { cause: unknown },
  ) {
    super(`${consumer} failed on ${event.type} ${event.eventId} (outbox ${event.txId}/${event.id})`, options);
    this.name = 'EventHandlerError';
  }
}

interface Position {
  txId: string;
  lastId: number;
}

interface OutboxRow {
  tx_id: string;
  id: number | string;
  event_id: string;
  type: string;
  aggregate_id: string | null;
  payload: unknown;
  occurred_at: Date;
  traceparent: string | null;
}

// After a notification, the event it announces is readable only once every older transaction
// has ended; look again soon rather than waiting a whole poll interval.
const RECHECK_FIRST_MS = 50;
const RECHECK_LAST_MS = 5_000;
/** Waits before reopening a lost LISTEN connection: the first, doubled up to the last. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 30_000;
/** Longest wait between tries while the database is unavailable: work resumes soon after it is back. */
const OUTAGE_RETRY_MS = 1_000;
/** Pending events a lag reading counts at most: beyond it the consumer is far behind, and the age says how far. */
const LAG_COUNT_CAP = 1_000;

/**
 * A consumer of `source`'s domain events, delivering each at least once and in outbox order.
 *
 * Each event is handled in its own transaction that first records it in
 * `schema.processed_events`; an event found there already is not handled again, so
 * redelivery after a crash is harmless. The checkpoint in `schema.event_checkpoints` is
 * written after the events, as a separate statement.
 */
export function createEventConsumer<DB = any>(options: EventConsumerOptions<DB>): EventConsumer {
  const { name, source, schema, handlers, onHandled } = options;
  // Without a schema type, Kysely cannot see the consumer's tables; SQL here is raw anyway.
  const db = options.db as Kysely<any>;
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const minRetryDelayMs = options.minRetryDelayMs ?? 500;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  const logger = (options.logger ?? createLogger('info')).child({ consumer: name, source });
  const channel = outboxChannel(source);
  const checkpoints = sql.id(schema, 'event_checkpoints');
  const processedEvents = sql.id(schema, 'processed_events');
  const readOutbox = sql.id(`${source}_events`, 'read_outbox');

  const outage = new OutageLog(logger, `event consumer ${name}`);
  let position: Position | null = null;
  /** A position reached but not yet saved (the save failed); saved before the next batch. */
  let unsaved: Position | null = null;
  let running = false;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let starting: Promise<void> | null = null;
  let stopped: Promise<void> | null = null;
  /** Its metrics while it runs (see start). */
  let watched: ReturnType<typeof watchEventConsumer> | null = null;

  // Batches never overlap, whether they come from the loop or from drain().
  let lock: Promise<unknown> = Promise.resolve();
  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = lock.then(task);
    lock = result.catch(() => undefined);
    return result;
  }

  let wakeRequested = false;
  let recheckMs: number | null = null;
  let sleeper: { wakeable: boolean; finish: () => void } | null = null;
  function sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        sleeper = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      sleeper = { wakeable, finish };
    });
  }
  function wake(): void {
    wakeRequested = true;
    // A retry delay is not cut short: a busy producer would otherwise hammer a failing handler.
    if (sleeper?.wakeable) sleeper.finish();
  }

  async function loadPosition(): Promise<Position> {
    if (position) return position;
    await sql`INSERT INTO ${checkpoints} (source, consumer) VALUES (${source}, ${name}) ON CONFLICT DO NOTHING`.execute(db);
    const { rows } = await sql<{ tx_id: string; last_id: number | string }>`
      SELECT tx_id::text AS tx_id, last_id FROM ${checkpoints} WHERE source = ${source} AND consumer = ${name}
    `.execute(db);
    const row = rows[0];
    if (!row) throw new Error(`no checkpoint row for ${name} on ${source}`);
    position = { txId: row.tx_id, lastId: Number(row.last_id) };
    return position;
  }

  async function savePosition(to: Position): Promise<void> {
    // Never moves backwards, should two instances of one consumer run at once.
    await sql`
      UPDATE ${checkpoints} SET tx_id = ${to.txId}::xid8, last_id = ${to.lastId}, updated_at = now()
      WHERE source = ${source} AND consumer = ${name} AND (tx_id, last_id) < (${to.txId}::xid8, ${to.lastId}::bigint)
    `.execute(db);
  }

  async function handle(event: DomainEvent, handler: EventHandler<DB>): Promise<void> {
    if (!tracingActive()) return handleInTransaction(event, handler);
    // A child of the operation that appended the event: one trace from the request to its effects.
    return inSpan(
      `consume ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        parent: contextOfTraceparent(event.traceparent),
        attributes: {
          [TraceAttribute.MESSAGING_SYSTEM]: 'postgresql',
          [TraceAttribute.MESSAGING_OPERATION]: 'process',
          [TraceAttribute.MESSAGING_DESTINATION]: `${source}.outbox`,
          [TraceAttribute.MESSAGING_CONSUMER]: name,
          [TraceAttribute.MESSAGING_MESSAGE_ID]: event.eventId,
          [TraceAttribute.EVENT_TYPE]: event.type,
        },
      },
      () => handleInTransaction(event, handler),
    );
  }

  async function handleInTransaction(event: DomainEvent, handler: EventHandler<DB>): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const { rows } = await sql`
        INSERT INTO ${processedEvents} (consumer, event_id) VALUES (${name}, ${event.eventId}::uuid)
        ON CONFLICT DO NOTHING RETURNING event_id
      `.execute(trx);
      if (rows.length === 0) {
        logger.debug('event already processed', { eventId: event.eventId, type: event.type });
        return;
      }
      await handler(event, trx as Transaction<DB>);
    });
  }

  /** Reads and processes one batch; returns how many events were read. */
  async function processBatch(): Promise<number> {
    if (unsaved) {
      // A checkpoint that could not be saved (the database went away) is saved before going on.
      await savePosition(unsaved);
      unsaved = null;
    }
    const from = await loadPosition();
    const { rows } = await sql<OutboxRow>`
      SELECT tx_id::text AS tx_id, id, event_id::text AS event_id, type, aggregate_id, payload, occurred_at, traceparent
      FROM ${readOutbox}(${from.txId}::xid8, ${from.lastId}::bigint, ${batchSize}::integer)
    `.execute(db);
    let reached: Position | null = null;
    let failed = false;
    let failure: unknown;
    try {
      for (const row of rows) {
        if (stopping) break;
        const event = toDomainEvent(row);
        const handler = Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined;
        if (handler) {
          try {
            await handle(event, handler);
            await onHandled?.(event);
            watched?.handled();
          } catch (error) {
            throw new EventHandlerError(name, event, { cause: error });
          }
        }
        reached = { txId: event.txId, lastId: event.id };
      }
    } catch (error) {
      failed = true;
      failure = error;
    }
    if (reached) {
      // Even after a failure, record the events before it so a restart does not redo them.
      position = reached;
      try {
        await savePosition(reached);
      } catch (error) {
        unsaved = reached;
        // With the batch done, the save's failure is the batch's: the run loop reports it (once
        // per outage when the database went away) and saves the checkpoint before going on.
        if (!failed) throw error;
        if (!outage.failed(error)) logger.error('could not save the checkpoint', { err: error });
      }
    }
    if (failed) throw failure;
    return rows.length;
  }

  /** Processes batches until nothing more is readable (or the consumer is stopping). */
  async function catchUp(): Promise<void> {
    while (!stopping) {
      const read = await processBatch();
      if (read < batchSize) return;
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      wakeRequested = false;
      try {
        await exclusive(catchUp);
        failures = 0;
        outage.recovered();
      } catch (error) {
        watched?.failed();
        const cause = error instanceof EventHandlerError ? error.cause : error;
        if (outage.failed(cause)) {
          if (!stopping) await sleep(OUTAGE_RETRY_MS, false);
          continue;
        }
        failures += 1;
        const retryInMs = Math.min(maxRetryDelayMs, minRetryDelayMs * 2 ** (failures - 1));
        const failed = error instanceof EventHandlerError ? error.event : undefined;
        logger.error('event processing failed; retrying', {
          err: error instanceof EventHandlerError ? error.cause : error,
          eventId: failed?.eventId,
          type: failed?.type,
          attempt: failures,
          retryInMs,
        });
        if (!stopping) await sleep(retryInMs, false);
        continue;
      }
      if (stopping || wakeRequested) continue;
      let delay = pollIntervalMs;
      if (recheckMs !== null) {
        delay = Math.min(recheckMs, pollIntervalMs);
        recheckMs = recheckMs * 2 < Math.min(pollIntervalMs, RECHECK_LAST_MS) ? recheckMs * 2 : null;
      }
      await sleep(delay, true);
    }
  }

  /** How far behind the outbox this consumer is, read through the same function it reads events with. */
  async function lag(): Promise<ConsumerLag> {
    const from = position ?? (await loadPosition());
    const { rows } = await sql<{ pending: number; oldest_age: number | null }>`
      SELECT count(*)::int AS pending, extract(epoch FROM clock_timestamp() - min(occurred_at))::float8 AS oldest_age
      FROM ${readOutbox}(${from.txId}::xid8, ${from.lastId}::bigint, ${LAG_COUNT_CAP}::integer)
    `.execute(db);
    const row = rows[0];
    return { pending: row?.pending ?? 0, oldestAgeSeconds: Math.max(0, row?.oldest_age ?? 0) };
  }

  // The LISTEN connection, replaced on each start (a stopped one cannot be reopened).
  let listening: ListeningConnection | null = null;

  function listeningConnection(source: string | pg.Pool): ListeningConnection {
    return new ListeningConnection({
      source,
      applicationName: name,
      channels: () => [channel],
      onNotification: (notified) => {
        if (notified !== channel) return;
        recheckMs = RECHECK_FIRST_MS;
        wake();
      },
      // Notifications sent while disconnected are lost: look now.
      onReconnected: wake,
      logger,
      outage,
      minReconnectDelayMs: RECONNECT_FIRST_MS,
      maxReconnectDelayMs: RECONNECT_MAX_MS,
    });
  }

  return {
    async start() {
      if (running) throw new Error(`event consumer ${name} is already running`);
      running = true;
      stopping = false;
      listening = options.listen ? listeningConnection(options.listen) : null;
      starting = listening ? listening.open() : Promise.resolve();
      try {
        await starting;
      } catch (error) {
        running = false;
        listening = null;
        throw error;
      } finally {
        starting = null;
      }
      // stop() was called while connecting: it waited for this, and there is no loop to end.
      if (stopping) return;
      watched = watchEventConsumer({ name, source, lag });
      loop = run().catch((error: unknown) => logger.error('event consumer stopped unexpectedly', { err: error }));
      logger.info('event consumer started', { listening: Boolean(options.listen), pollIntervalMs });
    },

    stop() {
      if (!running) return Promise.resolve();
      // Concurrent callers share one stop.
      stopped ??= (async () => {
        stopping = true;
        sleeper?.finish();
        await starting?.catch(() => undefined);
        await loop;
        const closing = listening;
        listening = null;
        await closing?.close();
        watched?.unwatch();
        watched = null;
        loop = null;
        running = false;
        stopping = false;
        stopped = null;
        recheckMs = null;
        logger.info('event consumer stopped');
      })();
      return stopped;
    },

    drain() {
      return exclusive(catchUp);
    },
  };
}

function toDomainEvent(row: OutboxRow): DomainEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    aggregateId: row.aggregate_id,
    payload: row.payload,
    occurredAt: row.occurred_at,
    txId: row.tx_id,
    id: Number(row.id),
    traceparent: row.traceparent,
  };
}
