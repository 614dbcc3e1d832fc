// Analytics through the gateway: retry-safe trackEvents, domain events of the other subgraphs
// recorded once, and the analyst figures (exact, withheld under the minimum group size, cut at
// a time zone's midnights), read from rollups kept by the inserting statement.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, createLogger, type Database } from '@academy/service-kit';
import { appendEvent } from '@academy/service-kit/events';
import { createLearningAnalyticsConsumer, LEARNING_ANALYTICS_CONSUMER } from '@academy/subgraph-ai-analytics';
import { publishOrderPaid } from '@academy/subgraph-commerce';
import { publishNotificationEmailRequested, type CommunityDatabase } from '@academy/subgraph-community';
import { setTimeout as delay } from 'node:timers/promises';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

const TRACK = /* GraphQL */ `mutation Track($events: [AnalyticsEventInput!]!) { trackEvents(events: $events) }`;
const ACTIVE = /* GraphQL */ `
  query Active($range: TimeRange!, $granularity: Granularity!, $timeZone: String) {
    activeUsers(range: $range, granularity: $granularity, timeZone: $timeZone) { metric total points { bucket value withheld } }
  }
`;
const COUNTS = /* GraphQL */ `
  query Counts($name: String!, $range: TimeRange!, $granularity: Granularity!, $timeZone: String) {
    eventCounts(name: $name, range: $range, granularity: $granularity, timeZone: $timeZone) { metric total points { bucket value withheld } }
  }
`;
const FUNNEL = /* GraphQL */ `
  query Funnel($steps: [String!]!, $range: TimeRange!) { funnel(steps: $steps, range: $range) { name users conversionFromPrevious withheld } }
`;
const ENROLL = /* GraphQL */ `mutation Enroll($courseId: ID!) { enroll(courseId: $courseId) { id } }`;

const DAY = 86_400_000;
// Consumers see an event once every older transaction of the server ended: generous on a busy machine.
const WAIT_MS = 60_000;

let stack: TestStack;
let analyst: SignedUpUser;
let learner: SignedUpUser;
let people: SignedUpUser[];
/** A UTC midnight ten days ago: every event of the figures lies within trackEvents' 30 days. */
const day0 = Math.floor((Date.now() - 10 * DAY) / DAY) * DAY;
const at = (days: number, hours = 0, minutes = 0) => new Date(day0 + days * DAY + hours * 3_600_000 + minutes * 60_000).toISOString();

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await delay(25);
  }
}

const track = (user: SignedUpUser | null, events: Record<string, unknown>[]) =>
  stack.query<{ trackEvents: number }>(TRACK, { events }, user ? { authorization: `Bearer ${user.accessToken}` } : {});
const recorded = (name: string, userId: string) =>
  adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM ai_analytics.analytics_events WHERE name = $1 AND user_id = $2', [name, userId]).then(
    (rows) => rows[0]!.n,
  );

beforeAll(async () => {
  stack = await startStack();
  [analyst, learner] = await Promise.all([signUpWithRoles(stack, 'Analyst', ['ANALYST']), signUpUser(stack, 'Learner')]);
  people = [];
  for (let i = 0; i < 6; i++) people.push(await signUpUser(stack, `Person${i}`));
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('trackEvents', () => {
  it('records a retried batch once, also when the retries race', async () => {
    const events = ['a', 'b', 'c'].map((id) => ({ name: 'gw_retry', clientEventId: `retry-${id}`, properties: { id } }));
    expect((await track(learner, events)).body.data!.trackEvents).toBe(3);
    expect((await track(learner, events)).body.data!.trackEvents).toBe(0);
    // The same client id from another user is that user's own event.
    expect((await track(analyst, events.slice(0, 1))).body.data!.trackEvents).toBe(1);

    const racing = ['d', 'e', 'f'].map((id) => ({ name: 'gw_retry', clientEventId: `retry-${id}` }));
    const answers = await Promise.all(Array.from({ length: 6 }, () => track(learner, racing)));
    expect(answers.map((a) => a.body.errors)).toEqual(answers.map(() => undefined));
    expect(answers.reduce((sum, a) => sum + a.body.data!.trackEvents, 0)).toBe(3);
    expect(await recorded('gw_retry', learner.id)).toBe(6);
  });

  it('takes 1,000 events at once, refuses 1,001, and counts a visitor only by an anonymous id', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: 'gw_bulk', clientEventId: `bulk-${i}` }));
    expect((await track(learner, many(1000))).body.data!.trackEvents).toBe(1000);
    const tooMany = await track(learner, many(1001));
    expect(tooMany.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const visitor = [{ name: 'gw_visit', anonymousId: 'visitor-gw-1', clientEventId: 'landing' }];
    expect((await track(null, visitor)).body.data!.trackEvents).toBe(1);
    expect((await track(null, visitor)).body.data!.trackEvents).toBe(0);
    const noActor = await track(null, [{ name: 'gw_visit' }]);
    expect(noActor.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const rows = await adminRows<{ name: string; n: number }>(
      stack.database.adminUrl,
      "SELECT name, count(*)::int AS n FROM ai_analytics.analytics_events WHERE name IN ('gw_bulk', 'gw_visit') GROUP BY name ORDER BY name",
    );
    expect(rows).toEqual([{ name: 'gw_bulk', n: 1000 }, { name: 'gw_visit', n: 1 }]);
  });
});

describe('domain events as analytics events', () => {
  it('records a sign-up as user.registered and an enrollment in a free course as enrollment.created, once each, even when replayed', async () => {
    const newcomer = await signUpUser(stack, 'Newcomer');
    await until(() => recorded('user.registered', newcomer.id), (n) => n === 1, 'user.registered');

    const course = uuid();
    await withAdmin(stack.database.adminUrl, (db) =>
      insertRows(db, 'learning.courses', [{ id: course, slug: 'gw-analytics-free', title: 'Free', level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date() }]),
    );
    await as(stack, newcomer, ENROLL, { courseId: course });
    await as(stack, newcomer, ENROLL, { courseId: course });
    await until(() => recorded('enrollment.created', newcomer.id), (n) => n === 1, 'enrollment.created');

    // A consumer that forgot its checkpoint and processed events (a restore, say) replays
    // learning's whole outbox: the unique source event id still records the enrollment once.
    await withAdmin(stack.database.adminUrl, async (db) => {
      await db.query('DELETE FROM ai_analytics.processed_events WHERE consumer = $1', [LEARNING_ANALYTICS_CONSUMER]);
      await db.query("UPDATE ai_analytics.event_checkpoints SET tx_id = '0', last_id = 0 WHERE consumer = $1", [LEARNING_ANALYTICS_CONSUMER]);
    });
    const analytics = createDatabase<any>({ connectionString: stack.database.urlFor('academy_ai_analytics'), poolSize: 1 });
    try {
      await createLearningAnalyticsConsumer({ db: analytics.db, logger: createLogger('silent') }).drain();
    } finally {
      await analytics.close();
    }
    const replayed = await adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM ai_analytics.processed_events WHERE consumer = $1', [LEARNING_ANALYTICS_CONSUMER]);
    expect(replayed[0]!.n).toBeGreaterThan(0);
    expect(await recorded('enrollment.created', newcomer.id)).toBe(1);
  }, 180_000);

  it("records commerce's, scheduling's and community's events with the user they are about", async () => {
    const commerce: Database<any> = createDatabase<any>({ connectionString: stack.database.urlFor('academy_commerce'), poolSize: 1 });
    const scheduling: Database<any> = createDatabase<any>({ connectionString: stack.database.urlFor('academy_scheduling'), poolSize: 1 });
    const community = createDatabase<CommunityDatabase>({ connectionString: stack.database.urlFor('academy_community'), poolSize: 1 });
    try {
      const buyer = uuid();
      await commerce.db.transaction().execute((trx) =>
        publishOrderPaid(trx, { orderId: uuid(), reference: 'ORD-GW-1', userId: buyer, paidAt: new Date().toISOString(), items: [] }),
      );
      const registrant = uuid();
      await scheduling.db.transaction().execute((trx) =>
        appendEvent(trx, 'scheduling', {
          type: 'RegistrationConfirmed',
          aggregateId: uuid(),
          payload: { registrationId: uuid(), sessionId: uuid(), userId: registrant, courseId: uuid(), status: 'CONFIRMED', at: new Date().toISOString(), orderId: null, referredByUserId: null },
        }),
      );
      const notified = uuid();
      await community.db.transaction().execute((trx) =>
        publishNotificationEmailRequested(trx, {
          notificationId: uuid(),
          userId: notified,
          kind: 'BOOKING_CONFIRMED',
          subject: 'Your booking is confirmed',
          text: 'Dear learner@example.com, see you there.',
          unsubscribeUrl: 'https://academy.example/unsubscribe/secret-token',
          sendAfter: new Date().toISOString(),
        }),
      );
      await until(() => recorded('order.paid', buyer), (n) => n === 1, 'order.paid');
      await until(() => recorded('registration.confirmed', registrant), (n) => n === 1, 'registration.confirmed');
      await until(() => recorded('notification.email_requested', notified), (n) => n === 1, 'notification.email_requested');
      // Only the ids and the kind are kept: nothing of the e-mail's text, address or links.
      const [row] = await adminRows<{ properties: Record<string, unknown> }>(
        stack.database.adminUrl,
        "SELECT properties FROM ai_analytics.analytics_events WHERE name = 'notification.email_requested' AND user_id = $1",
        [notified],
      );
      expect(Object.keys(row!.properties).sort()).toEqual(['kind', 'notificationId', 'userId']);
    } finally {
      await commerce.close();
      await scheduling.close();
      await community.close();
    }
  }, 180_000);
});

describe('analyst figures', () => {
  beforeAll(async () => {
    // Day 0: six people view (concurrently: the rollups' counters are shared); five start after
    // viewing, one started before; three pay. Day 1: three people view. Day 2, 20:00 UTC
    // (05:00 the next day in Tokyo): six people do gw_late.
    const answers = await Promise.all(
      people.map((person, i) =>
        track(person, [
          { name: 'gw_viewed', occurredAt: at(0, 10), clientEventId: 'v1' },
          { name: 'gw_viewed', occurredAt: at(0, 10, 5), clientEventId: 'v2' },
          { name: 'gw_started', occurredAt: i === 5 ? at(0, 9) : at(0, 11), clientEventId: 's' },
          ...(i < 3 ? [{ name: 'gw_paid', occurredAt: at(0, 12), clientEventId: 'p' }, { name: 'gw_viewed', occurredAt: at(1, 8), clientEventId: 'v3' }] : []),
          { name: 'gw_late', occurredAt: at(2, 20), clientEventId: 'l' },
        ]),
      ),
    );
    expect(answers.map((a) => a.body.errors)).toEqual(answers.map(() => undefined));
  });

  it('refuses anyone but ANALYST and ADMIN', async () => {
    const range = { from: at(0), to: at(1) };
    for (const [query, variables] of [
      [ACTIVE, { range, granularity: 'DAY' }],
      [COUNTS, { name: 'gw_viewed', range, granularity: 'DAY' }],
      [FUNNEL, { steps: ['gw_viewed'], range }],
    ] as const) {
      const refused = await stack.query(query, variables, { authorization: `Bearer ${learner.accessToken}` });
      expect(refused.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const anonymous = await stack.query(query, variables);
      expect(anonymous.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    }
  });

  it('counts exactly what was written, every day present, and withholds a day of fewer than five users', async () => {
    const range = { from: at(0), to: at(4) };
    const active = await as<{ activeUsers: unknown }>(stack, analyst, ACTIVE, { range, granularity: 'DAY' });
    expect(active.activeUsers).toEqual({
      metric: 'activeUsers',
      total: 12,
      points: [
        { bucket: at(0), value: 6, withheld: false },
        { bucket: at(1), value: 0, withheld: true },
        { bucket: at(2), value: 6, withheld: false },
        { bucket: at(3), value: 0, withheld: false },
      ],
    });
    const viewed = await as<{ eventCounts: unknown }>(stack, analyst, COUNTS, { name: 'gw_viewed', range, granularity: 'DAY' });
    expect(viewed.eventCounts).toEqual({
      metric: 'gw_viewed',
      total: 12,
      points: [
        { bucket: at(0), value: 12, withheld: false },
        { bucket: at(1), value: 0, withheld: true },
        { bucket: at(2), value: 0, withheld: false },
        { bucket: at(3), value: 0, withheld: false },
      ],
    });
    // A range cut inside a bucket counts only its hours: day 0 from 10:00 to 10:59 holds both views.
    const cut = await as<{ eventCounts: { points: unknown } }>(stack, analyst, COUNTS, { name: 'gw_viewed', range: { from: at(0, 10), to: at(0, 11) }, granularity: 'DAY' });
    expect(cut.eventCounts.points).toEqual([{ bucket: at(0), value: 12, withheld: false }]);
  });

  it('cuts days at midnight in the time zone asked for', async () => {
    const range = { from: at(2), to: at(4) };
    const utc = await as<{ eventCounts: { points: unknown } }>(stack, analyst, COUNTS, { name: 'gw_late', range, granularity: 'DAY' });
    expect(utc.eventCounts.points).toEqual([
      { bucket: at(2), value: 6, withheld: false },
      { bucket: at(3), value: 0, withheld: false },
    ]);
    // Tokyo is UTC+9 all year: its days start at 15:00 UTC the day before.
    const tokyo = await as<{ eventCounts: { points: unknown } }>(stack, analyst, COUNTS, { name: 'gw_late', range, granularity: 'DAY', timeZone: 'Asia/Tokyo' });
    expect(tokyo.eventCounts.points).toEqual([
      { bucket: at(1, 15), value: 0, withheld: false },
      { bucket: at(2, 15), value: 6, withheld: false },
      { bucket: at(3, 15), value: 0, withheld: false },
    ]);
    const active = await as<{ activeUsers: { points: unknown } }>(stack, analyst, ACTIVE, { range, granularity: 'DAY', timeZone: 'Asia/Tokyo' });
    expect(active.activeUsers.points).toEqual([
      { bucket: at(1, 15), value: 0, withheld: false },
      { bucket: at(2, 15), value: 6, withheld: false },
      { bucket: at(3, 15), value: 0, withheld: false },
    ]);
    for (const [timeZone, code] of [['Asia/Kolkata', 'BAD_USER_INPUT'], ['Mars/Olympus', 'BAD_USER_INPUT']]) {
      const refused = await stack.query(COUNTS, { name: 'gw_late', range, granularity: 'DAY', timeZone }, { authorization: `Bearer ${analyst.accessToken}` });
      expect(refused.body.errors![0]!.extensions!.code).toBe(code);
    }
    const offHour = await stack.query(ACTIVE, { range: { from: at(2, 0, 30), to: at(4) }, granularity: 'DAY' }, { authorization: `Bearer ${analyst.accessToken}` });
    expect(offHour.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('follows each user through the funnel in order and withholds a step of fewer than five users', async () => {
    const answer = await as<{ funnel: unknown }>(stack, analyst, FUNNEL, { steps: ['gw_viewed', 'gw_started', 'gw_paid'], range: { from: at(0), to: at(1) } });
    expect(answer.funnel).toEqual([
      { name: 'gw_viewed', users: 6, conversionFromPrevious: null, withheld: false },
      { name: 'gw_started', users: 5, conversionFromPrevious: 5 / 6, withheld: false },
      { name: 'gw_paid', users: 0, conversionFromPrevious: null, withheld: true },
    ]);
  });

  it('keeps the rollups equal to the events they count', async () => {
    const mismatches = await adminRows(
      stack.database.adminUrl,
      `SELECT name, hour FROM (
         SELECT name, date_trunc('hour', occurred_at, 'UTC') AS hour, count(*) AS events FROM ai_analytics.analytics_events GROUP BY 1, 2
       ) raw FULL JOIN ai_analytics.event_hour_counts c USING (name, hour)
       WHERE raw.events IS DISTINCT FROM c.events
       UNION ALL
       SELECT '*', period_start FROM (
         SELECT date_trunc('day', occurred_at, 'UTC') AS period_start, count(DISTINCT actor)::int AS actors FROM ai_analytics.analytics_events WHERE actor IS NOT NULL GROUP BY 1
       ) raw FULL JOIN (SELECT * FROM ai_analytics.event_actor_counts WHERE name = '*' AND period_unit = 'day') c USING (period_start)
       WHERE raw.actors IS DISTINCT FROM c.actors`,
    );
    expect(mismatches).toEqual([]);
  });
});
