// Analyst figures on a read replica (ANALYTICS_READ_DATABASE_URL): a second database plays the
// replica and holds other rows than the primary, so every answer shows where it was read. The
// figures of all five subgraphs that have them come from the replica; writes (trackEvents, a
// saved report's creation and refresh) and every other read (a course, the saved reports
// themselves) stay on the primary. The replica's pool survives its connections being ended,
// shows in the pool metrics under its own label, and is closed with the service; while the
// replica cannot be reached, only the figures fail (SERVICE_UNAVAILABLE) and only until it is back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { ConfigError, createErrorFormatter, createLogger, ErrorCode } from '@academy/service-kit';
import { createTestDatabase, startTcpProxy, type TcpProxy, type TestDatabase } from '@academy/service-kit/testing';
import { loadAiAnalyticsConfig } from '@academy/subgraph-ai-analytics';
import { loadCommerceConfig } from '@academy/subgraph-commerce';
import { loadCommunityConfig } from '@academy/subgraph-community';
import { loadLearningConfig } from '@academy/subgraph-learning';
import { loadSchedulingConfig } from '@academy/subgraph-scheduling';
import { setTimeout as delay } from 'node:timers/promises';
import { as, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { parsePrometheusText, sampleValue } from './support/prometheus-text.js';
import { startStack, type TestStack } from './support/stack.js';

const SERIES = 'metric total points { bucket value withheld }';
const ENROLLMENTS = /* GraphQL */ `query($range: TimeRange!) { figure: enrollmentStats(range: $range, granularity: DAY) { ${SERIES} } }`;
const ATTENDANCE = /* GraphQL */ `query($range: TimeRange!) { figure: attendanceStats(range: $range, granularity: DAY) { sessions registrations attended series { ${SERIES} } } }`;
const REVENUE = /* GraphQL */ `query($range: TimeRange!) { figure: revenueStats(range: $range, granularity: DAY, currency: "EUR") { ${SERIES} } }`;
const REVENUE_BY_COURSE = /* GraphQL */ `
  query($range: TimeRange!) { figure: revenueByCourse(range: $range, currency: "EUR", first: 10) { course { id } orders revenue { amountMinor } withheld } }
`;
const CHAT = /* GraphQL */ `query($range: TimeRange!) { figure: chatActivity(range: $range, granularity: DAY) { ${SERIES} } }`;
const POSTS = /* GraphQL */ `query($range: TimeRange!) { figure: postActivity(range: $range, granularity: DAY) { posts { ${SERIES} } } }`;
const ACTIVE = /* GraphQL */ `query($range: TimeRange!) { figure: activeUsers(range: $range, granularity: DAY) { ${SERIES} } }`;
const COUNTS = /* GraphQL */ `query($name: String!, $range: TimeRange!) { figure: eventCounts(name: $name, range: $range, granularity: DAY) { ${SERIES} } }`;
const FUNNEL = /* GraphQL */ `query($steps: [String!]!, $range: TimeRange!) { figure: funnel(steps: $steps, range: $range) { name users } }`;
const USAGE = /* GraphQL */ `query($from: DateTime, $to: DateTime) { aiUsage(from: $from, to: $to) { totalCount edges { node { day tokensIn } } } }`;
const TRACK = /* GraphQL */ `mutation Track($events: [AnalyticsEventInput!]!) { trackEvents(events: $events) }`;
const REPORT_FIELDS = 'id result { computedAt series { total points { value } } }';
const CREATE_REPORT = /* GraphQL */ `mutation($input: CreateAnalyticsReportInput!) { createAnalyticsReport(input: $input) { ${REPORT_FIELDS} } }`;
const REFRESH_REPORT = /* GraphQL */ `mutation($id: ID!) { refreshAnalyticsReport(id: $id) { ${REPORT_FIELDS} } }`;
const REPORT = /* GraphQL */ `query($id: ID!) { analyticsReport(id: $id) { id name } }`;
const COURSE = /* GraphQL */ `query($id: ID!) { course(id: $id) { title } }`;

/** The day every figure counts: a whole UTC day, long enough ago to be nobody else's. */
const DAY = { from: '2021-03-27T00:00:00.000Z', to: '2021-03-28T00:00:00.000Z' };
const at = (hour: number) => `2021-03-27T${String(hour).padStart(2, '0')}:00:00Z`;
const EVENT = 'replica.figure_seen';

let primary: TestDatabase;
let replica: TestDatabase;
/** Between the services and the replica, to take it away and bring it back. */
let replicaProxy: TcpProxy;
let stack: TestStack;
let stopped = false;
let analyst: SignedUpUser;
/** One course, in both databases under one id, titled after the database it is in. */
const course = uuid();
/** Distinct users behind the figures: three in the replica, five in the primary. */
const replicaUsers = [uuid(), uuid(), uuid()];
const primaryUsers = [uuid(), uuid(), uuid(), uuid(), uuid()];
const REFERENCE_LETTERS = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
let references = 0;
const newReference = () => `BK-RPLC${REFERENCE_LETTERS[Math.floor(references / 32)]}${REFERENCE_LETTERS[references++ % 32]}`;

/** One of each thing an analyst figure counts, per user, all on DAY: an enrollment, an attended seat, a paid order, a message, a post, an analytics event. */
async function seedFigures(adminUrl: string, title: string, users: string[]): Promise<void> {
  await withAdmin(adminUrl, async (db) => {
    await insertRows(db, 'learning.courses', [{ id: course, slug: 'replica-figures', title, level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date() }]);
    await insertRows(db, 'learning.enrollments', users.map((user, i) => ({ user_id: user, course_id: course, status: 'ACTIVE', progress_percent: 0, enrolled_at: at(8 + i) })));

    const trainer = uuid();
    await insertRows(db, 'scheduling.trainers', [{ id: trainer, user_id: uuid() }]);
    const sessions = users.map((_, i) => ({ id: uuid(), startsAt: new Date(at(8 + i)) }));
    await insertRows(db, 'scheduling.training_sessions', sessions.map((s) => ({
      id: s.id, course_id: course, trainer_id: trainer, starts_at: s.startsAt, ends_at: new Date(s.startsAt.getTime() + 1_800_000), status: 'COMPLETED', capacity: 10,
    })));
    await insertRows(db, 'scheduling.registrations', users.map((user, i) => ({ session_id: sessions[i]!.id, user_id: user, status: 'ATTENDED', check_in_code: uuid() })));

    const orders = users.map((user, i) => ({ id: uuid(), user, paidAt: at(8 + i) }));
    await insertRows(db, 'commerce.orders', orders.map((o) => ({
      id: o.id, reference: newReference(), user_id: o.user, status: 'PAID', currency: 'EUR', subtotal_minor: 100, discount_minor: 0, total_minor: 100, paid_at: o.paidAt, created_at: o.paidAt,
    })));
    await insertRows(db, 'commerce.order_items', orders.map((o) => ({
      id: uuid(), order_id: o.id, position: 1, kind: 'COURSE_ACCESS', description: 'Course access', quantity: 1, unit_price_minor: 100, total_minor: 100, currency: 'EUR', course_id: course,
    })));

    const room = uuid();
    await insertRows(db, 'community.chat_rooms', [{ id: room, name: 'Replica figures', kind: 'GROUP', last_sequence: users.length }]);
    await insertRows(db, 'community.chat_messages', users.map((user, i) => ({ room_id: room, sequence: i + 1, sender_id: user, content: `m${i}`, sent_at: at(8 + i) })));
    await insertRows(db, 'community.posts', users.map((user, i) => ({ id: uuid(), author_id: user, content: `p${i}`, visibility: 'PUBLIC', created_at: at(8 + i) })));

    await insertEvents(db, users.map((user, i) => ({ user, occurredAt: at(8 + i) })));
  });
}

/** Analytics events of EVENT, as recorded (the rollups follow in the inserting statement). */
async function insertEvents(db: Parameters<Parameters<typeof withAdmin>[1]>[0], events: { user: string; occurredAt: string }[]): Promise<void> {
  await insertRows(db, 'ai_analytics.analytics_events', events.map((e) => ({ name: EVENT, user_id: e.user, occurred_at: e.occurredAt, properties: '{}' })));
}

const figure = async <T>(query: string, variables: Record<string, unknown> = { range: DAY }) => (await as<{ figure: T }>(stack, analyst, query, variables)).figure;
const count = async (adminUrl: string, text: string, values: unknown[] = []) => (await adminRows<{ n: number }>(adminUrl, text, values))[0]!.n;
const series = (total: number) => ({ total, points: [{ bucket: DAY.from, value: total, withheld: false }] });

beforeAll(async () => {
  replica = await createTestDatabase();
  const server = new URL(replica.adminUrl);
  replicaProxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  const proxied: TestDatabase = { ...replica, urlFor: (role) => replicaProxy.through(replica.urlFor(role)) };
  stack = await startStack({ analyticsReplica: proxied, minGroupSize: 1 });
  primary = stack.database;
  analyst = await signUpWithRoles(stack, 'Analyst', ['ANALYST']);
  await seedFigures(primary.adminUrl, 'Read on the primary', primaryUsers);
  await seedFigures(replica.adminUrl, 'Read on the replica', replicaUsers);
}, 60_000);

afterAll(async () => {
  if (!stopped) await stack?.stop();
  await replicaProxy?.stop();
  await replica?.drop();
});

describe('analyst figures read the replica', () => {
  it("learning's, scheduling's, commerce's and community's figures count the replica's rows, not the primary's", async () => {
    expect(await figure(ENROLLMENTS)).toMatchObject(series(3));
    expect(await figure(ATTENDANCE)).toMatchObject({ sessions: 3, registrations: 3, attended: 3, series: series(3) });
    expect(await figure(REVENUE)).toMatchObject(series(300));
    expect(await figure(REVENUE_BY_COURSE)).toEqual([{ course: { id: course }, orders: 3, revenue: { amountMinor: 300 }, withheld: false }]);
    expect(await figure(CHAT)).toMatchObject(series(3));
    expect(await figure<{ posts: unknown }>(POSTS)).toEqual({ posts: { metric: 'posts', ...series(3) } });
  });

  it("ai-analytics' activeUsers, eventCounts, funnel and aiUsage count the replica's rows", async () => {
    expect(await figure(ACTIVE)).toMatchObject(series(3));
    expect(await figure(COUNTS, { name: EVENT, range: DAY })).toMatchObject(series(3));
    expect(await figure(FUNNEL, { steps: [EVENT], range: DAY })).toEqual([{ name: EVENT, users: 3 }]);

    const today = new Date().toISOString().slice(0, 10);
    await withAdmin(replica.adminUrl, (db) => insertRows(db, 'ai_analytics.ai_usage', [{ user_id: analyst.id, day: today, requests: 1, tokens_in: 123, tokens_out: 45, currency: 'USD' }]));
    const usage = await as<{ aiUsage: { totalCount: number; edges: { node: { day: string; tokensIn: number } }[] } }>(stack, analyst, USAGE);
    expect(usage.aiUsage).toEqual({ totalCount: 1, edges: [{ node: { day: today, tokensIn: 123 } }] });
    expect(await count(primary.adminUrl, 'SELECT count(*)::int AS n FROM ai_analytics.ai_usage WHERE user_id = $1', [analyst.id])).toBe(0);
  });
});

describe('everything else stays on the primary', () => {
  it('a non-analyst read (a course) comes from the primary', async () => {
    const { body } = await stack.query<{ course: { title: string } }>(COURSE, { id: course });
    expect(body.errors).toBeUndefined();
    expect(body.data!.course.title).toBe('Read on the primary');
  });

  it('trackEvents writes to the primary only, so the replica-read figure does not count them', async () => {
    const recent = { from: new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000).toISOString(), to: new Date((Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000).toISOString() };
    const events = [{ name: 'replica.tracked', clientEventId: 'replica-1' }, { name: 'replica.tracked', clientEventId: 'replica-2' }];
    expect((await as<{ trackEvents: number }>(stack, analyst, TRACK, { events })).trackEvents).toBe(2);
    const tracked = 'SELECT count(*)::int AS n FROM ai_analytics.analytics_events WHERE name = $1';
    expect(await count(primary.adminUrl, tracked, ['replica.tracked'])).toBe(2);
    expect(await count(replica.adminUrl, tracked, ['replica.tracked'])).toBe(0);
    expect(await figure(COUNTS, { name: 'replica.tracked', range: recent })).toMatchObject({ total: 0 });
  });

  it("a saved report runs its figure on the replica and is stored, read and refreshed on the primary", async () => {
    const input = { name: 'Replica report', reportType: 'EVENT_COUNTS', eventName: EVENT, range: DAY, granularity: 'DAY' };
    const created = (await as<{ createAnalyticsReport: { id: string; result: { computedAt: string; series: { total: number } } } }>(stack, analyst, CREATE_REPORT, { input }))
      .createAnalyticsReport;
    expect(created.result.series.total).toBe(3);
    const stored = 'SELECT count(*)::int AS n FROM ai_analytics.analytics_reports WHERE id = $1';
    expect(await count(primary.adminUrl, stored, [created.id])).toBe(1);
    expect(await count(replica.adminUrl, stored, [created.id])).toBe(0);
    // The report itself is read from the primary: the replica has no such row.
    expect((await as<{ analyticsReport: unknown }>(stack, analyst, REPORT, { id: created.id })).analyticsReport).toEqual({ id: created.id, name: 'Replica report' });

    // A fourth user's event reaches the replica; the refresh counts it and keeps its snapshot on the primary.
    await withAdmin(replica.adminUrl, (db) => insertEvents(db, [{ user: uuid(), occurredAt: at(20) }]));
    const refreshed = (await as<{ refreshAnalyticsReport: { result: { series: { total: number } } } }>(stack, analyst, REFRESH_REPORT, { id: created.id })).refreshAnalyticsReport;
    expect(refreshed.result.series.total).toBe(4);
    const snapshots = await adminRows<{ total: number }>(primary.adminUrl, "SELECT (result->'series'->>'total')::int AS total FROM ai_analytics.analytics_reports WHERE id = $1", [created.id]);
    expect(snapshots).toEqual([{ total: 4 }]);
    expect(await count(replica.adminUrl, stored, [created.id])).toBe(0);
  });
});

describe("the replica's pool", () => {
  it('shows in the pool metrics with pool="analytics-read", beside the primary\'s', async () => {
    await figure(ACTIVE);
    const families = parsePrometheusText(await (await fetch(stack.subgraphs['ai-analytics'].metricsUrl!)).text());
    const read = { service: 'ai-analytics', pool: 'analytics-read' };
    expect(sampleValue(families, 'db_pool_max_connections', read)).toBe(5);
    expect(sampleValue(families, 'db_pool_acquire_duration_seconds_count', read)).toBeGreaterThan(0);
    expect(sampleValue(families, 'db_pool_max_connections', { service: 'ai-analytics', pool: 'primary' })).toBe(5);
    // identity has no figures: no replica pool.
    const identity = parsePrometheusText(await (await fetch(stack.subgraphs.identity.metricsUrl!)).text());
    expect(sampleValue(identity, 'db_pool_max_connections', { service: 'identity', pool: 'analytics-read' })).toBeUndefined();
  });

  it('survives the replica ending its connections: the figures answer again', async () => {
    const before = await figure(ACTIVE);
    const ended = await adminRows<{ ended: boolean }>(
      replica.adminUrl,
      "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND usename LIKE 'academy\\_%'",
    );
    expect(ended.length).toBeGreaterThan(0);
    // A connection ended while idle is dropped by the pool and a new one opened on next use; a
    // statement that raced the termination fails once (SERVICE_UNAVAILABLE), never the process.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { body } = await stack.query<{ figure: unknown }>(ACTIVE, { range: DAY }, { authorization: `Bearer ${analyst.accessToken}` });
      if (!body.errors) {
        expect(body.data!.figure).toEqual(before);
        break;
      }
      expect(body.errors[0]!.extensions?.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
      if (Date.now() > deadline) throw new Error(`figures did not recover: ${JSON.stringify(body.errors)}`);
      await delay(50);
    }
  });

  it('while the replica cannot be reached, figures answer SERVICE_UNAVAILABLE and everything else is served; then they answer again', async () => {
    const before = await figure(ENROLLMENTS);
    await replicaProxy.stop();
    try {
      const analystAsks = (query: string) => stack.query(query, { range: DAY }, { authorization: `Bearer ${analyst.accessToken}` });
      for (const query of [ENROLLMENTS, REVENUE, ACTIVE]) {
        const { body } = await analystAsks(query);
        expect(body.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.SERVICE_UNAVAILABLE]);
      }
      expect((await stack.query<{ course: { title: string } }>(COURSE, { id: course })).body).toEqual({ data: { course: { title: 'Read on the primary' } } });
      const events = [{ name: 'replica.tracked', clientEventId: 'replica-away' }];
      expect((await as<{ trackEvents: number }>(stack, analyst, TRACK, { events })).trackEvents).toBe(1);
      // Readiness checks the primary only: a replica outage takes no process out of the balancer.
      for (const name of ['learning', 'ai-analytics'] as const) {
        expect((await fetch(new URL('/readyz', stack.subgraphs[name].url))).status).toBe(200);
      }
    } finally {
      await replicaProxy.start();
    }
    expect(await figure(ENROLLMENTS)).toEqual(before);
  });

  it("closes with the services: no subgraph connection is left on the replica", async () => {
    await figure(ACTIVE);
    const connected = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename LIKE 'academy\\_%'";
    expect(await count(replica.adminUrl, connected)).toBeGreaterThan(0);
    stopped = true;
    await stack.stop();
    // A closed pool has said goodbye on each connection; the server ends their backends a moment later.
    const deadline = Date.now() + 3_000;
    while ((await count(replica.adminUrl, connected)) > 0 && Date.now() < deadline) await delay(50);
    expect(await count(replica.adminUrl, connected)).toBe(0);
  });
});

describe('ANALYTICS_READ_DATABASE_URL', () => {
  const base = { DATABASE_URL: 'postgres://academy_learning:secret@primary.example:5432/academy', GATEWAY_SECRET: 'x'.repeat(32) };
  const problems = (load: () => unknown) => {
    try {
      load();
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('is unset by default, and then figures read DATABASE_URL', () => {
    expect(loadLearningConfig(base).ANALYTICS_READ_DATABASE_URL).toBeUndefined();
    expect(loadLearningConfig({ ...base, ANALYTICS_READ_DATABASE_URL: '' }).ANALYTICS_READ_DATABASE_URL).toBeUndefined();
  });

  it('is read by every subgraph with figures, as a postgres:// URL of DATABASE_URL\'s role', () => {
    const loaders = [loadLearningConfig, loadSchedulingConfig, loadCommerceConfig, loadCommunityConfig, loadAiAnalyticsConfig];
    for (const load of loaders) {
      const role = (name: string) => ({ DATABASE_URL: `postgres://${name}:secret@primary.example:5432/academy`, GATEWAY_SECRET: base.GATEWAY_SECRET });
      const replicaUrl = 'postgres://academy_x:secret@replica.example:5432/academy';
      expect(load({ ...role('academy_x'), ANALYTICS_READ_DATABASE_URL: replicaUrl }).ANALYTICS_READ_DATABASE_URL).toBe(replicaUrl);
      expect(problems(() => load({ ...role('academy_x'), ANALYTICS_READ_DATABASE_URL: 'mysql://academy_x@replica.example/academy' }))).toEqual([
        'ANALYTICS_READ_DATABASE_URL: must be a postgres:// URL',
      ]);
      expect(problems(() => load({ ...role('academy_x'), ANALYTICS_READ_DATABASE_URL: 'postgres://postgres:secret@replica.example:5432/academy' }))).toEqual([
        "ANALYTICS_READ_DATABASE_URL: must connect as DATABASE_URL's role (academy_x)",
      ]);
    }
  });
});

describe('a statement the replica cancels', () => {
  it('for a conflict with recovery is SERVICE_UNAVAILABLE (run again, it succeeds), not an internal error', () => {
    const format = createErrorFormatter(createLogger('silent', { service: 'test' }), { databaseErrors: true });
    // As pg reports what a hot standby sends when replaying the primary's changes needs the rows a statement still reads.
    const cancelled = Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001', severity: 'ERROR' });
    const error = new GraphQLError(cancelled.message, { path: ['funnel'], originalError: cancelled });
    expect(format({ message: error.message, path: ['funnel'] }, error).extensions?.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    // A serialization failure on the primary is no replica's doing.
    const serialization = Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
    const other = new GraphQLError(serialization.message, { originalError: serialization });
    expect(format({ message: other.message }, other).extensions?.code).toBe(ErrorCode.INTERNAL_SERVER_ERROR);
  });
});
