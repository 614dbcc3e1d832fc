import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createDatabase } from '../src/db.js';
import {
  appendEvent,
  createEventConsumer,
  EventHandlerError,
  type DomainEvent,
  type EventConsumer,
  type EventConsumerOptions,
} from '../src/events/index.js';
import { createLogger, type Logger } from '../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';
import { createTestEffectsTable, recordEffect } from './fixtures/test-effects.js';

// commerce produces, scheduling consumes: commerce grants its outbox to the scheduling role.
const SOURCE = 'commerce';
const SCHEMA = 'scheduling';
const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = join(here, '..', '..', '..');
const consumerProcess = join(here, 'fixtures', 'event-consumer-process.ts');

let database: TestDatabase;
let admin: pg.Client;
let producer: Kysely<any>;
let consumerDb: Kysely<any>;
let consumerPool: pg.Pool;
let cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  database = await createTestDatabase();
  await createTestEffectsTable(database.adminUrl);
  admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  const producing = createDatabase<any>({ connectionString: database.urlFor('academy_commerce') });
  const consuming = createDatabase<any>({ connectionString: database.urlFor('academy_scheduling') });
  producer = producing.db;
  consumerDb = consuming.db;
  consumerPool = consuming.pool;
  cleanups = [() => producing.close(), () => consuming.close()];
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await admin.end();
  await database.drop();
});

/** A scheduling consumer of commerce events, recording `ProbeEvent`s, stopped after the test. */
function consumerFor(options: Partial<EventConsumerOptions> & { name: string }): EventConsumer {
  const consumer = createEventConsumer({
    source: SOURCE,
    schema: SCHEMA,
    db: consumerDb,
    logger: createLogger('silent'),
    handlers: { ProbeEvent: recordEffect(options.name) },
    ...options,
  });
  cleanups.push(() => consumer.stop());
  return consumer;
}

/** Commits one `ProbeEvent` per aggregate id, each in a transaction of its own. */
async function produce(...aggregateIds: string[]): Promise<void> {
  for (const aggregateId of aggregateIds) {
    await producer.transaction().execute((trx) => appendEvent(trx, SOURCE, { type: 'ProbeEvent', aggregateId, payload: {} }));
  }
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await delay(20);
}

/**
 * Waits until the scheduling role can read `count` events. A transaction elsewhere on the
 * server (another test file's) briefly holds events back; once readable, they stay readable.
 */
async function untilReadable(count: number): Promise<void> {
  await waitFor(async () => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM commerce_events.read_outbox('0', 0, 100000)`.execute(consumerDb);
    return rows[0]?.n === count;
  });
}

/** The aggregate ids whose effect `consumer` recorded, in the order it recorded them. */
async function effects(consumer: string): Promise<string[]> {
  const { rows } = await admin.query<{ aggregate_id: string }>(
    'SELECT aggregate_id FROM scheduling.test_effects WHERE consumer = $1 ORDER BY seq',
    [consumer],
  );
  return rows.map((row) => row.aggregate_id);
}

interface OutboxEntry {
  txId: string;
  id: number;
  aggregateId: string | null;
}

/** commerce's outbox in the order consumers read it. */
async function outbox(): Promise<OutboxEntry[]> {
  const { rows } = await admin.query<{ tx_id: string; id: string; aggregate_id: string | null }>(
    // Ordered by the columns, not by the text aliases of the same names.
    'SELECT o.tx_id::text AS tx_id, o.id::text AS id, o.aggregate_id FROM commerce.outbox o ORDER BY o.tx_id, o.id',
  );
  return rows.map((row) => ({ txId: row.tx_id, id: Number(row.id), aggregateId: row.aggregate_id }));
}

/** Where `consumer`'s checkpoint on commerce stands, or undefined when it has none. */
async function checkpointOf(consumer: string): Promise<{ txId: string; lastId: number } | undefined> {
  const { rows } = await admin.query<{ tx_id: string; last_id: string }>(
    'SELECT tx_id::text AS tx_id, last_id::text AS last_id FROM scheduling.event_checkpoints WHERE source = $1 AND consumer = $2',
    [SOURCE, consumer],
  );
  return rows[0] && { txId: rows[0].tx_id, lastId: Number(rows[0].last_id) };
}

/** The checkpoint expected once `aggregateId`'s event is the last one passed. */
async function positionOf(aggregateId: string): Promise<{ txId: string; lastId: number }> {
  const entry = (await outbox()).find((e) => e.aggregateId === aggregateId);
  if (!entry) throw new Error(`no outbox event for ${aggregateId}`);
  return { txId: entry.txId, lastId: entry.id };
}

async function processedCount(consumer: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM scheduling.processed_events WHERE consumer = $1', [
    consumer,
  ]);
  return rows[0]?.n ?? 0;
}

/** Records the events a consumer handled and lets a test await a particular one. */
function handledEvents() {
  const seen: DomainEvent[] = [];
  const waiting: Array<{ aggregateId: string; resolve: (event: DomainEvent) => void }> = [];
  return {
    seen,
    onHandled(event: DomainEvent): void {
      seen.push(event);
      for (const waiter of waiting) if (waiter.aggregateId === event.aggregateId) waiter.resolve(event);
    },
    until(aggregateId: string): Promise<DomainEvent> {
      const found = seen.find((event) => event.aggregateId === aggregateId);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiting.push({ aggregateId, resolve }));
    },
  };
}

interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

function capturingLogger(entries: LogEntry[], base: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    entries.push({ level, message, fields: { ...base, ...fields } });
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => capturingLogger(entries, { ...base, ...fields }),
  };
}

/** Runs the consumer of fixtures/event-consumer-process.ts in a child process to its end. */
function runConsumerProcess(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', consumerProcess], {
      cwd: repositoryRoot,
      env: { ...process.env, EVENTS_CONSUMER_URL: database.urlFor('academy_scheduling'), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('appendEvent and the event consumer', () => {
  it('delivers an event whose transaction committed, once, and never one whose transaction rolled back', async () => {
    await expect(
      producer.transaction().execute(async (trx) => {
        await appendEvent(trx, SOURCE, { type: 'ProbeEvent', aggregateId: 'rolled-back', payload: {} });
        throw new Error('the order was abandoned');
      }),
    ).rejects.toThrow('the order was abandoned');
    const payload = { orderId: 'o-1', amountMinor: 4500, seats: [3, 4] };
    const eventId = await producer
      .transaction()
      .execute((trx) => appendEvent(trx, SOURCE, { type: 'ProbeEvent', aggregateId: 'committed', payload }));
    await untilReadable(1);

    const received: DomainEvent[] = [];
    const record = recordEffect('scheduling.probe');
    const consumer = consumerFor({
      name: 'scheduling.probe',
      handlers: {
        ProbeEvent: async (event, trx) => {
          received.push(event);
          await record(event, trx);
        },
      },
    });
    await consumer.drain();
    await consumer.drain();

    const entries = await outbox();
    expect(entries.map((e) => e.aggregateId)).toEqual(['committed']);
    expect(await effects('scheduling.probe')).toEqual(['committed']);
    expect(received).toEqual([
      {
        eventId,
        type: 'ProbeEvent',
        aggregateId: 'committed',
        payload,
        occurredAt: expect.any(Date),
        txId: entries[0]?.txId,
        id: entries[0]?.id,
        // Appended outside any traced operation.
        traceparent: null,
      },
    ]);
    expect(await processedCount('scheduling.probe')).toBe(1);
    expect(await checkpointOf('scheduling.probe')).toEqual(await positionOf('committed'));
  });

  it('moves past events it has no handler for, without recording them as processed', async () => {
    await producer.transaction().execute(async (trx) => {
      await appendEvent(trx, SOURCE, { type: 'ProbeEvent', aggregateId: 'a', payload: {} });
      await appendEvent(trx, SOURCE, { type: 'PriceChanged', aggregateId: 'x', payload: {} });
    });
    await producer.transaction().execute(async (trx) => {
      await appendEvent(trx, SOURCE, { type: 'ProbeEvent', aggregateId: 'b', payload: {} });
      await appendEvent(trx, SOURCE, { type: 'PriceChanged', aggregateId: 'y', payload: {} });
    });
    await untilReadable(4);
    const consumer = consumerFor({ name: 'scheduling.skipping' });
    await consumer.drain();

    expect(await effects('scheduling.skipping')).toEqual(['a', 'b']);
    expect(await processedCount('scheduling.skipping')).toBe(2);
    expect(await checkpointOf('scheduling.skipping')).toEqual(await positionOf('y'));
  });

  it.each(['connection string', 'pool'] as const)('is woken by NOTIFY, listening through a %s, long before its next poll', async (through) => {
    const handled = handledEvents();
    const consumer = consumerFor({
      name: 'scheduling.notified',
      listen: through === 'pool' ? consumerPool : database.urlFor('academy_scheduling'),
      pollIntervalMs: 600_000,
      onHandled: handled.onHandled,
    });
    await consumer.start();
    // Once this returns, the loop's first look has ended and it sleeps until notified.
    await consumer.drain();

    await produce('notified');
    await handled.until('notified');
    // onHandled runs before the checkpoint is written; stop() waits for that.
    await consumer.stop();

    expect(await effects('scheduling.notified')).toEqual(['notified']);
    expect(await checkpointOf('scheduling.notified')).toEqual(await positionOf('notified'));
  }, 20_000);

  it('listens again after its LISTEN connection drops', async () => {
    const name = 'scheduling.reconnecting';
    const handled = handledEvents();
    const consumer = consumerFor({
      name,
      listen: database.urlFor('academy_scheduling'),
      pollIntervalMs: 600_000,
      onHandled: handled.onHandled,
    });
    await consumer.start();
    const listeners = async (): Promise<number[]> => {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = $1 AND state = 'idle' AND query LIKE 'LISTEN%'`,
        [`${name}:listen`],
      );
      return rows.map((row) => row.pid);
    };
    await waitFor(async () => (await listeners()).length === 1);
    const [dropped] = await listeners();

    await admin.query('SELECT pg_terminate_backend($1)', [dropped]);
    await waitFor(async () => (await listeners()).some((pid) => pid !== dropped));
    await consumer.drain();
    await produce('after-reconnect');
    await handled.until('after-reconnect');

    expect(await effects(name)).toEqual(['after-reconnect']);
  }, 20_000);

  it('handles the events of concurrent transactions in outbox order, skipping none', async () => {
    const name = 'scheduling.concurrent';
    const consumer = consumerFor({ name, listen: database.urlFor('academy_scheduling'), pollIntervalMs: 50, batchSize: 7 });
    await consumer.start();
    // The consumer reads while these are under way, some committed and some not.
    await Promise.all(
      Array.from({ length: 12 }, (_, t) =>
        producer.transaction().execute(async (trx) => {
          for (let e = 0; e < 3; e++) {
            await appendEvent(trx, SOURCE, { type: 'ProbeEvent', aggregateId: `t${t}-e${e}`, payload: {} });
            await delay(Math.random() * 5);
          }
        }),
      ),
    );
    await untilReadable(36);
    await consumer.drain();

    const order = (await outbox()).map((e) => e.aggregateId);
    expect(order).toHaveLength(36);
    expect(await effects(name)).toEqual(order);
    expect(await processedCount(name)).toBe(36);
    expect(await checkpointOf(name)).toEqual(await positionOf(order[35]!));
  });

  it('does not pass the event of a transaction still open, though later transactions committed', async () => {
    const name = 'scheduling.in-order';
    await produce('before');
    const open = await producer.startTransaction().execute();
    let ended = false;
    cleanups.push(async () => {
      if (!ended) await open.rollback().execute();
    });
    // Its first write gives the open transaction its id, lower than those of the two below.
    await appendEvent(open, SOURCE, { type: 'ProbeEvent', aggregateId: 'held-open-1', payload: {} });
    await produce('committed-first', 'committed-second');
    // A higher outbox id than the committed ones: order is by transaction first.
    await appendEvent(open, SOURCE, { type: 'ProbeEvent', aggregateId: 'held-open-2', payload: {} });

    const consumer = consumerFor({ name });
    await untilReadable(1);
    await consumer.drain();
    await consumer.drain();
    expect(await effects(name)).toEqual(['before']);
    expect(await checkpointOf(name)).toEqual(await positionOf('before'));

    await open.commit().execute();
    ended = true;
    await untilReadable(5);
    await consumer.drain();
    expect(await effects(name)).toEqual(['before', 'held-open-1', 'held-open-2', 'committed-first', 'committed-second']);
    expect(await checkpointOf(name)).toEqual(await positionOf('committed-second'));
  });

  it('stops at a failing event, and handles it and the rest once each when it succeeds', async () => {
    const name = 'scheduling.failing';
    let failing = true;
    const record = recordEffect(name);
    const consumer = consumerFor({
      name,
      batchSize: 2,
      handlers: {
        ProbeEvent: async (event, trx) => {
          // Written before the failure, so the test sees it rolled back with the handler.
          await record(event, trx);
          if (failing && event.aggregateId === '3') throw new Error('seat map unavailable');
        },
      },
    });
    await produce('1', '2', '3', '4', '5');
    await untilReadable(5);

    const error = await consumer.drain().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventHandlerError);
    expect(error).toMatchObject({ consumer: name, event: { aggregateId: '3' }, cause: { message: 'seat map unavailable' } });
    expect(await effects(name)).toEqual(['1', '2']);
    expect(await processedCount(name)).toBe(2);
    expect(await checkpointOf(name)).toEqual(await positionOf('2'));

    await expect(consumer.drain()).rejects.toBeInstanceOf(EventHandlerError);
    expect(await effects(name)).toEqual(['1', '2']);

    failing = false;
    await consumer.drain();
    expect(await effects(name)).toEqual(['1', '2', '3', '4', '5']);
    expect(await processedCount(name)).toBe(5);
    expect(await checkpointOf(name)).toEqual(await positionOf('5'));
  });

  it('retries a failing event with growing delays while running, then moves on', async () => {
    const name = 'scheduling.retrying';
    let failuresLeft = 2;
    const log: LogEntry[] = [];
    const handled = handledEvents();
    const record = recordEffect(name);
    const consumer = consumerFor({
      name,
      pollIntervalMs: 50,
      minRetryDelayMs: 10,
      logger: capturingLogger(log),
      onHandled: handled.onHandled,
      handlers: {
        ProbeEvent: async (event, trx) => {
          await record(event, trx);
          if (event.aggregateId === '2' && failuresLeft > 0) {
            failuresLeft -= 1;
            throw new Error('seat map unavailable');
          }
        },
      },
    });
    await produce('1', '2', '3');
    await untilReadable(3);
    await consumer.start();
    await handled.until('3');

    expect(await effects(name)).toEqual(['1', '2', '3']);
    expect(await processedCount(name)).toBe(3);
    const failures = log.filter((entry) => entry.level === 'error');
    expect(failures.map((entry) => [entry.fields.type, entry.fields.attempt, entry.fields.retryInMs])).toEqual([
      ['ProbeEvent', 1, 10],
      ['ProbeEvent', 2, 20],
    ]);
  });

  it('continues from its checkpoint after a restart, losing and repeating nothing', async () => {
    const name = 'scheduling.restarted';
    await produce('1', '2', '3', '4', '5', '6');
    await untilReadable(6);

    let stopped: Promise<void> | undefined;
    const first: EventConsumer = consumerFor({
      name,
      batchSize: 2,
      onHandled(event) {
        // Not awaited here: stop() waits for the event in hand, which is this one.
        if (event.aggregateId === '3') stopped = first.stop();
      },
    });
    await first.start();
    await waitFor(async () => stopped !== undefined);
    await stopped;
    expect(await effects(name)).toEqual(['1', '2', '3']);
    expect(await checkpointOf(name)).toEqual(await positionOf('3'));

    const handled = handledEvents();
    const second = consumerFor({ name, batchSize: 2, onHandled: handled.onHandled });
    await second.start();
    await handled.until('6');
    await second.stop();
    expect(handled.seen.map((event) => event.aggregateId)).toEqual(['4', '5', '6']);
    expect(await effects(name)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(await processedCount(name)).toBe(6);
    expect(await checkpointOf(name)).toEqual(await positionOf('6'));
  });

  it('takes effect once per event when killed between handling an event and recording its position', async () => {
    const name = 'scheduling.killed';
    await produce('1', '2', '3', '4', '5');
    await untilReadable(5);

    // Batches of two: the checkpoint is written after 1–2, then the process dies right after
    // 3's transaction committed.
    const killed = await runConsumerProcess({ EVENTS_CONSUMER_NAME: name, EVENTS_BATCH_SIZE: '2', EVENTS_KILL_AT: '3' });
    expect(killed).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(await effects(name)).toEqual(['1', '2', '3']);
    expect(await checkpointOf(name)).toEqual(await positionOf('2'));

    const restarted = await runConsumerProcess({ EVENTS_CONSUMER_NAME: name, EVENTS_BATCH_SIZE: '2' });
    expect(restarted).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(await effects(name)).toEqual(['1', '2', '3', '4', '5']);
    expect(await processedCount(name)).toBe(5);
    expect(await checkpointOf(name)).toEqual(await positionOf('5'));
  }, 30_000);
});
