// The service kit's pub/sub, as community uses it: PostgreSQL LISTEN/NOTIFY always, Redis when
// REDIS_URL is set.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createPostgresPubSub,
  createRedisPubSub,
  MAX_PAYLOAD_BYTES,
  PayloadTooLargeError,
  type PubSub,
} from '@academy/service-kit/pubsub';
import { createLogger } from '@academy/service-kit';
import { createTestDatabase, type TestDatabase } from '@academy/service-kit/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const redisUrl = process.env.REDIS_URL || undefined;
// Losing connections is what some tests do on purpose: no warnings for it.
const logger = createLogger('silent');
if (!redisUrl) console.log('Redis pub/sub tests skipped: REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)');

/** Collects what a handler receives; `next(n)` resolves once n payloads arrived. */
function inbox() {
  const payloads: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    payloads,
    handler: (payload: string) => {
      payloads.push(payload);
      for (const w of waiters.filter((w) => payloads.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    count: (count: number) =>
      payloads.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

const reconnected = (pubsub: PubSub) =>
  new Promise<void>((resolve) => {
    const off = pubsub.onReconnect(() => {
      off();
      resolve();
    });
  });

function behavesAsPubSub(name: string, make: () => PubSub, dropConnection: () => Promise<void>) {
  describe(name, () => {
    let first: PubSub;
    let second: PubSub;

    beforeAll(() => {
      first = make();
      second = make();
    });

    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    it('delivers to every handler of a channel in every instance, from the moment subscribe resolves', async () => {
      const a = inbox();
      const b = inbox();
      const c = inbox();
      const offA = await first.subscribe('test.alpha', a.handler);
      await first.subscribe('test.alpha', b.handler);
      await second.subscribe('test.alpha', c.handler);
      await second.publish('test.alpha', 'one');
      await first.publish('test.alpha', 'two');
      await Promise.all([a.count(2), b.count(2), c.count(2)]);
      expect([a.payloads, b.payloads, c.payloads]).toEqual([
        ['one', 'two'],
        ['one', 'two'],
        ['one', 'two'],
      ]);

      // After unsubscribing, nothing more arrives: a later message on another channel of the
      // same connection comes after anything published before it.
      await offA();
      const marker = inbox();
      await first.subscribe('test.marker', marker.handler);
      await second.publish('test.alpha', 'three');
      await second.publish('test.marker', 'done');
      await Promise.all([b.count(3), marker.count(1)]);
      expect(a.payloads).toEqual(['one', 'two']);
      expect(b.payloads).toEqual(['one', 'two', 'three']);
    });

    it('refuses payloads over the limit and channel names it cannot carry', async () => {
      await expect(first.publish('test.alpha', 'x'.repeat(MAX_PAYLOAD_BYTES + 1))).rejects.toBeInstanceOf(PayloadTooLargeError);
      await expect(first.publish('test.alpha', 'é'.repeat(MAX_PAYLOAD_BYTES / 2 + 1))).rejects.toBeInstanceOf(PayloadTooLargeError);
      await expect(first.publish('has space', 'x')).rejects.toThrow(/channel/);
      await expect(first.subscribe('x'.repeat(64), () => undefined)).rejects.toThrow(/channel/);
      const big = inbox();
      await second.subscribe('test.big', big.handler);
      await first.publish('test.big', 'x'.repeat(MAX_PAYLOAD_BYTES));
      await big.count(1);
      expect(big.payloads[0]).toHaveLength(MAX_PAYLOAD_BYTES);
    });

    it('comes back after losing its connection, with its channels, and says so', async () => {
      const received = inbox();
      await first.subscribe('test.again', received.handler);
      const back = reconnected(first);
      await dropConnection();
      await back;
      await second.publish('test.again', 'after the reconnection');
      await received.count(1);
      expect(received.payloads).toEqual(['after the reconnection']);
    });
  });
}

let database: TestDatabase;
const pgName = `pubsub-test-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

behavesAsPubSub(
  'PostgreSQL LISTEN/NOTIFY',
  () => createPostgresPubSub({ connectionString: database.urlFor('academy_community'), applicationName: pgName, minReconnectDelayMs: 20, logger }),
  async () => {
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      // Only the first instance's listening connection: its first LISTEN came before the second's.
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM (
           SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 ORDER BY backend_start LIMIT 1
         ) first`,
        [`${pgName}:listen`],
      );
    } finally {
      await admin.end();
    }
  },
);

if (redisUrl) {
  const prefix = `pubsub-test-${randomBytes(3).toString('hex')}:`;
  behavesAsPubSub(
    'Redis',
    () => createRedisPubSub({ url: redisUrl, prefix, connectionName: prefix.slice(0, -1), logger }),
    async () => {
      const admin = new Redis(redisUrl);
      try {
        const clients = (await admin.client('LIST')) as string;
        const ids = clients
          .split('\n')
          .filter((line) => line.includes(` name=${prefix.slice(0, -1)}:subscribe `))
          .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
          .filter((id): id is string => id !== undefined)
          .sort((x, y) => Number(x) - Number(y));
        // The first instance's subscriber connection is the older of the two.
        await admin.client('KILL', 'ID', ids[0]!);
      } finally {
        admin.disconnect();
      }
    },
  );

  describe('Redis prefixes', () => {
    it('keep deployments sharing one Redis apart', async () => {
      const one = createRedisPubSub({ url: redisUrl, prefix: `${randomBytes(3).toString('hex')}:`, logger });
      const other = createRedisPubSub({ url: redisUrl, prefix: `${randomBytes(3).toString('hex')}:`, logger });
      try {
        const mine = inbox();
        const theirs = inbox();
        await one.subscribe('test.shared', mine.handler);
        await other.subscribe('test.shared', theirs.handler);
        await other.subscribe('test.marker', theirs.handler);
        await one.publish('test.shared', 'for one');
        await other.publish('test.marker', 'marker');
        await Promise.all([mine.count(1), theirs.count(1)]);
        expect(theirs.payloads).toEqual(['marker']);
      } finally {
        await one.close();
        await other.close();
      }
    });
  });
} else {
  describe.skip('Redis (REDIS_URL is not set)', () => it.skip('pub/sub over Redis', () => undefined));
}
