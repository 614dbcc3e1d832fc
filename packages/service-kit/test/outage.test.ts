// Background work through a database outage: PostgreSQL taken away (behind a TCP proxy) and
// brought back. Workers resume by themselves, and say once that the database went away and
// once that it came back, however long it was gone.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { createDatabase, type Database } from '../src/db.js';
import { appendEvent, createEventConsumer, type DomainEvent } from '../src/events/index.js';
import { createPostgresPubSub } from '../src/pubsub/postgres.pubsub.js';
import { createTestDatabase, recordingLogger, type LogLine, type TestDatabase } from '../src/testing/index.js';
import { createTestEffectsTable, recordEffect } from './fixtures/test-effects.js';
import { startTcpProxy, type TcpProxy } from '../src/testing/tcp-proxy.js';

/** How long the database stays away: several retries of every worker. */
const OUTAGE_MS = 3_500;


async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await delay(50);
  }
}

let database: TestDatabase;
let proxy: TcpProxy;
let admin: pg.Client;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
  const server = new URL(database.adminUrl);
  proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await proxy.stop();
  await admin.end();
  await database.drop();
});

/**
 * A consumer of commerce's events in scheduling, reaching the database through the proxy: what
 * it logs, a way to append an event, and the effects it recorded (aggregate ids, in order).
 */
async function probeConsumer(name: string, onHandled?: (event: DomainEvent) => Promise<void>) {
  await createTestEffectsTable(database.adminUrl);
  const lines: LogLine[] = [];
  const producer: Database<any> = createDatabase({ connectionString: database.urlFor('academy_commerce') });
  const consuming: Database<any> = createDatabase({ connectionString: proxy.through(database.urlFor('academy_scheduling')), logger: recordingLogger([]) });
  const consumer = createEventConsumer({
    name,
    source: 'commerce',
    schema: 'scheduling',
    db: consuming.db,
    listen: proxy.through(database.urlFor('academy_scheduling')),
    handlers: { ProbeEvent: recordEffect(name) },
    onHandled,
    logger: recordingLogger(lines),
  });
  cleanups.push(() => producer.close(), () => consuming.close(), () => consumer.stop());
  const produce = (aggregateId: string) => producer.db.transaction().execute((trx) => appendEvent(trx, 'commerce', { type: 'ProbeEvent', aggregateId, payload: {} }));
  const effects = async () =>
    (await admin.query<{ aggregate_id: string }>('SELECT aggregate_id FROM scheduling.test_effects WHERE consumer = $1 ORDER BY seq', [name])).rows.map((r) => r.aggregate_id);
  const said = (pattern: RegExp) => lines.filter((line) => pattern.test(line.message));
  /** The outage was logged once, its end once, and nothing at `error`. */
  const loggedOutageOnce = async () => {
    expect(said(new RegExp(`^database unavailable; event consumer ${name} waits and retries$`))).toHaveLength(1);
    await until(() => said(new RegExp(`^database available again; event consumer ${name} resumed$`)).length === 1);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  };
  return { consumer, produce, effects, loggedOutageOnce };
}

describe('through a database outage', () => {
  it('an event consumer resumes by itself, and logs the outage once and its end once', async () => {
    const { consumer, produce, effects, loggedOutageOnce } = await probeConsumer('outage-probe');

    await consumer.start();
    await produce('before');
    await until(async () => (await effects()).length === 1);

    await proxy.stop();
    await produce('during');
    await delay(OUTAGE_MS);
    await proxy.start();
    await until(async () => (await effects()).length === 2);

    expect(await effects()).toEqual(['before', 'during']);
    await loggedOutageOnce();
  }, 60_000);

  it('a checkpoint the database went away before saving is saved once it is back, with nothing logged as an error', async () => {
    let cut = false;
    // The database goes away between the handler's commit and the checkpoint's save.
    const { consumer, produce, effects, loggedOutageOnce } = await probeConsumer('checkpoint-probe', async (event) => {
      if (event.aggregateId !== 'cut' || cut) return;
      cut = true;
      await proxy.stop();
    });
    const checkpoint = async () =>
      (await admin.query<{ last_id: string }>("SELECT last_id::text AS last_id FROM scheduling.event_checkpoints WHERE consumer = 'checkpoint-probe'")).rows[0]?.last_id;

    await consumer.start();
    await produce('cut');
    await until(() => cut);
    await delay(OUTAGE_MS);
    expect(await effects()).toEqual(['cut']);
    expect(await checkpoint()).toBe('0');
    await proxy.start();
    const { rows } = await admin.query<{ id: string }>("SELECT max(id)::text AS id FROM commerce.outbox");
    await until(async () => (await checkpoint()) === rows[0]!.id);

    await produce('after');
    await until(async () => (await effects()).length === 2);
    expect(await effects()).toEqual(['cut', 'after']);
    await loggedOutageOnce();
  }, 60_000);

  it("the pub/sub's LISTEN connection comes back by itself, and the outage is logged once", async () => {
    const lines: LogLine[] = [];
    const pubsub = createPostgresPubSub({ connectionString: proxy.through(database.urlFor('academy_community')), logger: recordingLogger(lines), minReconnectDelayMs: 50 });
    const publisher = createPostgresPubSub({ connectionString: database.urlFor('academy_community'), logger: recordingLogger([]) });
    cleanups.push(() => pubsub.close(), () => publisher.close());
    const received: string[] = [];
    let reconnections = 0;
    pubsub.onReconnect(() => void (reconnections += 1));
    await pubsub.subscribe('outage_probe', (payload) => void received.push(payload));
    await publisher.publish('outage_probe', 'before');
    await until(() => received.length === 1);

    await proxy.stop();
    await delay(OUTAGE_MS);
    await proxy.start();
    await until(() => reconnections === 1);
    await publisher.publish('outage_probe', 'after');
    await until(() => received.length === 2);

    expect(received).toEqual(['before', 'after']);
    expect(lines.filter((line) => /^database unavailable; the LISTEN connection waits and retries$/.test(line.message))).toHaveLength(1);
    expect(lines.filter((line) => /^database available again; the LISTEN connection resumed$/.test(line.message))).toHaveLength(1);
    expect(lines.filter((line) => /could not open the LISTEN connection/.test(line.message))).toEqual([]);
  }, 60_000);
});
