import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ErrorCode, RequestErrorCode } from '@academy/service-kit';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import WebSocket from 'ws';
import { as, collect, signUpUser, wsClient } from './support/clients.js';
import { parsePrometheusText, sampleNames, sampleValue, type Family } from './support/prometheus-text.js';
import { startStack, type SubgraphName, type TestStack } from './support/stack.js';
import { buildLearningSubgraph } from '@academy/subgraph-learning';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const SUBGRAPHS: SubgraphName[] = ['identity', 'learning', 'scheduling', 'commerce', 'community', 'ai-analytics'];

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const response = await fetch(url, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

const gatewayMetrics = () => scrape(stack.gateway.metricsUrl);
const value = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}) => sampleValue(families, name, labels) ?? 0;

describe('/metrics on every service', () => {
  it('parses as Prometheus text on the gateway and each subgraph, with the process metrics in it', async () => {
    for (const url of [stack.gateway.metricsUrl, ...SUBGRAPHS.map((name) => stack.subgraphs[name].metricsUrl!)]) {
      const families = await scrape(url);
      for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
        expect(families.has(name)).toBe(true);
      }
    }
  });

  it('counts a query at the gateway, its subgraph fetch and the subgraph request', async () => {
    const before = await gatewayMetrics();
    const { body } = await stack.query('query MetricsCourseCount { courses(first: 1) { totalCount } }');
    expect(body.errors).toBeUndefined();
    const after = await gatewayMetrics();
    const operation = { operation: 'MetricsCourseCount', outcome: 'success' };
    expect(value(after, 'gateway_graphql_requests_total', operation)).toBe(value(before, 'gateway_graphql_requests_total', operation) + 1);
    expect(value(after, 'gateway_graphql_request_duration_seconds_count', { operation: 'MetricsCourseCount' })).toBe(
      value(before, 'gateway_graphql_request_duration_seconds_count', { operation: 'MetricsCourseCount' }) + 1,
    );
    const fetched = { subgraph: 'learning' };
    expect(value(after, 'gateway_subgraph_fetch_duration_seconds_count', fetched)).toBeGreaterThan(value(before, 'gateway_subgraph_fetch_duration_seconds_count', fetched));
    const served = { service: 'learning' };
    expect(value(after, 'subgraph_request_duration_seconds_count', served)).toBeGreaterThan(value(before, 'subgraph_request_duration_seconds_count', served));
    // The request's SQL took a connection from learning's pool.
    expect(value(after, 'db_pool_acquire_duration_seconds_count', served)).toBeGreaterThan(value(before, 'db_pool_acquire_duration_seconds_count', served));
    expect(value(after, 'db_pool_max_connections', served)).toBe(5);
    expect(value(after, 'db_pool_connections', served)).toBeGreaterThan(0);
    expect(sampleValue(after, 'db_pool_waiting_requests', served)).toBeDefined();
  });

  it('counts errors by code: a refused document at the gateway, a domain error at the subgraph', async () => {
    const before = await gatewayMetrics();
    expect((await stack.query('{ courses { nope } }')).body.errors?.[0]?.extensions?.code).toBe(RequestErrorCode.GRAPHQL_VALIDATION_FAILED);
    expect((await stack.query('query MetricsTooMany { courses(first: 1000) { totalCount } }')).body.errors?.[0]?.extensions?.code).toBe(ErrorCode.BAD_USER_INPUT);
    const after = await gatewayMetrics();
    const moved = (name: string, labels: Record<string, string>) => value(after, name, labels) - value(before, name, labels);
    expect(moved('gateway_graphql_errors_total', { code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED })).toBe(1);
    expect(moved('gateway_graphql_errors_total', { code: ErrorCode.BAD_USER_INPUT })).toBe(1);
    expect(moved('gateway_graphql_requests_total', { operation: 'MetricsTooMany', outcome: 'error' })).toBe(1);
    expect(moved('gateway_subgraph_fetch_errors_total', { subgraph: 'learning', code: ErrorCode.BAD_USER_INPUT })).toBe(1);
    expect(moved('subgraph_errors_total', { service: 'learning', code: ErrorCode.BAD_USER_INPUT })).toBe(1);
  });

  it('shows every running event consumer with its lag behind the outbox', async () => {
    const families = await scrape(stack.subgraphs.learning.metricsUrl!);
    const consumer = { consumer: 'learning.commerce', source: 'commerce' };
    expect(sampleValue(families, 'event_consumer_pending_events', consumer)).toBeGreaterThanOrEqual(0);
    expect(sampleValue(families, 'event_consumer_oldest_pending_age_seconds', consumer)).toBeGreaterThanOrEqual(0);
    expect(sampleValue(families, 'event_consumer_events_handled_total', consumer)).toBeGreaterThanOrEqual(0);
    const consumers = new Set(families.get('event_consumer_pending_events')!.samples.map((s) => s.labels.consumer));
    expect(consumers.size).toBeGreaterThanOrEqual(10);
  });

  it('shows live WebSocket sockets', async () => {
    const socket = new WebSocket(stack.gateway.url.replace('http', 'ws'), 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    try {
      expect(value(await gatewayMetrics(), 'gateway_websocket_connections')).toBeGreaterThanOrEqual(1);
      expect(sampleValue(await gatewayMetrics(), 'gateway_subscriptions_active')).toBeDefined();
    } finally {
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.close();
      await closed;
    }
  });

  it('shows running subscriptions, and the delivery lag of chat messages delivered live', async () => {
    const [alice, bob] = [await signUpUser(stack, 'MetricsAlice'), await signUpUser(stack, 'MetricsBob')];
    const { createChatRoom } = await as<{ createChatRoom: { id: string } }>(
      stack,
      alice,
      'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }',
      { input: { name: 'Metrics', kind: 'GROUP', memberIds: [bob.id] } },
    );
    const lagCount = async () => value(await scrape(stack.subgraphs.community.metricsUrl!), 'chat_message_delivery_lag_seconds_count');
    const before = await lagCount();
    const client = wsClient(stack.gateway.url, bob);
    try {
      const received = collect(client, 'subscription($r: ID!) { messageAdded(roomId: $r, afterSequence: 0) { sequence } }', { r: createChatRoom.id }, (data) => data.messageAdded);
      while (value(await gatewayMetrics(), 'gateway_subscriptions_active') < 1) await new Promise((resolve) => setTimeout(resolve, 50));
      // A message sent before the room's live feed is up reaches bob by replay, which is not a
      // live delivery: send until one was delivered live.
      let sent = 0;
      while ((await lagCount()) === before && sent < 50) {
        sent += 1;
        await as(stack, alice, 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { sequence } }', { r: createChatRoom.id, c: `metrics ${sent}` });
        await received.waitFor(sent);
      }
      expect(await lagCount()).toBeGreaterThan(before);
      expect(received.errors).toEqual([]);
      received.stop();
    } finally {
      await client.dispose();
    }
  }, 60_000);

  it('keeps operation names bounded: 500 distinct names add at most the configured number of series', async () => {
    const gateway = await stack.startGateway({ METRICS_OPERATION_NAMES: '20', PLAYGROUND: 'false', THROTTLE_SIGN_UP_PER_ADDRESS: '1000' });
    const names = Array.from({ length: 500 }, (_, i) => `MetricsBounded${i}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(
        names.slice(i, i + 25).map(async (name) => {
          const response = await fetch(gateway.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: `query ${name} { __typename }` }),
          });
          expect(response.status).toBe(200);
          await response.text();
        }),
      );
    }
    const families = await scrape(gateway.metricsUrl);
    const operations = new Set(families.get('gateway_graphql_requests_total')!.samples.map((s) => s.labels.operation));
    expect([...operations].filter((name) => name?.startsWith('MetricsBounded'))).toHaveLength(20);
    expect(value(families, 'gateway_graphql_requests_total', { operation: 'other', outcome: 'success' })).toBeGreaterThanOrEqual(480);
    const durationSeries = families.get('gateway_graphql_request_duration_seconds')!.samples.filter((s) => s.labels.operation?.startsWith('MetricsBounded'));
    expect(durationSeries.length).toBeLessThanOrEqual(20 * 16);
  }, 60_000);

  it('serves /metrics on METRICS_PORT behind METRICS_TOKEN when set, and not on the public port', async () => {
    const token = 'metrics-token-for-the-test';
    const gateway = await stack.startGateway({ METRICS_PORT: '0', METRICS_TOKEN: token, PLAYGROUND: 'false' });
    expect(new URL(gateway.metricsUrl).port).not.toBe(new URL(gateway.url).port);
    expect((await fetch(gateway.metricsUrl)).status).toBe(401);
    expect((await fetch(gateway.metricsUrl, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
    const families = await scrape(gateway.metricsUrl, { authorization: `Bearer ${token}` });
    expect(families.has('gateway_graphql_requests_total')).toBe(true);
    expect((await fetch(gateway.url.replace('/graphql', '/metrics'))).status).toBe(404);
  });

  it("serves a subgraph's /metrics on its METRICS_PORT behind its METRICS_TOKEN", async () => {
    const token = 'subgraph-metrics-token';
    const learning = buildLearningSubgraph({
      databaseUrl: stack.database.urlFor('academy_learning'),
      gatewaySecret: 'a-secret-of-at-least-32-characters-long',
      poolSize: 2,
      logLevel: 'silent',
      metrics: { port: 0, token },
    });
    const running = await learning.start(0, '127.0.0.1');
    try {
      expect(new URL(running.metricsUrl!).port).not.toBe(String(running.port));
      expect((await fetch(running.url.replace('/graphql', '/metrics'))).status).toBe(404);
      expect((await fetch(running.metricsUrl!)).status).toBe(401);
      const families = await scrape(running.metricsUrl!, { authorization: `Bearer ${token}` });
      expect(families.has('subgraph_request_duration_seconds')).toBe(true);
    } finally {
      await running.stop();
      await learning.database.close();
    }
  });

  it('does not serve /metrics on the public port in production without a token or a port of its own', async () => {
    const gateway = await stack.startGateway({ NODE_ENV: 'production', PLAYGROUND: 'false' });
    expect((await fetch(gateway.metricsUrl)).status).toBe(404);
    const guarded = await stack.startGateway({ NODE_ENV: 'production', PLAYGROUND: 'false', METRICS_TOKEN: 'metrics-token-for-the-test' });
    expect((await fetch(guarded.metricsUrl)).status).toBe(401);
  });
});

// --- The dashboard and the rules name only metrics the services expose -------------------------

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);
/** Series Prometheus makes itself for every target. */
const SCRAPE_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/** The metric names a PromQL expression reads (identifiers that are neither functions, keywords, labels nor strings). */
function metricNamesIn(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    // Grafana's variables ($__rate_interval, $service).
    .replace(/\$\{?[A-Za-z_]+\}?/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice(match.index + name.length).trimStart();
    const before = stripped.slice(0, match.index);
    if (after.startsWith('(')) continue; // a function or aggregation
    if (PROMQL_WORDS.has(name.toLowerCase())) continue;
    if (/\d$/.test(before) || /\d[eE]$/.test(before)) continue; // part of a number such as 5e3
    if (/^\d/.test(name)) continue;
    names.push(name);
  }
  return names;
}

interface Dashboard {
  panels: { title?: string; type?: string; targets?: { expr?: string }[]; panels?: Dashboard['panels'] }[];
  templating?: { list?: { query?: string | { query?: string } }[] };
}

function dashboardExpressions(panels: Dashboard['panels']): string[] {
  return panels.flatMap((panel) => [...(panel.targets ?? []).map((t) => t.expr ?? ''), ...dashboardExpressions(panel.panels ?? [])]).filter(Boolean);
}

describe('ops files', () => {
  const root = new URL('../ops/', import.meta.url);

  it('reads PromQL metric names simply and correctly', () => {
    expect(
      metricNamesIn('sum by (code) (rate(gateway_graphql_errors_total{code!="NONE"}[5m])) / ignoring(code) group_left sum(rate(gateway_graphql_requests_total[5m])) > 0.05'),
    ).toEqual(['gateway_graphql_errors_total', 'gateway_graphql_requests_total']);
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(x_bucket{a="b"}[$__rate_interval]))) > 1e3')).toEqual(['x_bucket']);
  });

  it('parse, and name only metrics that the running services expose', async () => {
    const exposed = new Set<string>();
    for (const url of [stack.gateway.metricsUrl, ...SUBGRAPHS.map((name) => stack.subgraphs[name].metricsUrl!)]) {
      for (const name of sampleNames(await scrape(url))) exposed.add(name);
    }
    const rules = parseYaml(await readFile(new URL('prometheus/alerts.yml', root), 'utf8')) as { groups: { name: string; rules: { alert?: string; expr: string }[] }[] };
    const alertExpressions = rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
    const alerts = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    for (const needed of ['GatewayErrorRateHigh', 'ChatDeliveryLagHigh', 'EventConsumerLagging', 'DatabasePoolExhausted', 'EventLoopDelayHigh', 'MemoryHigh']) {
      expect(alerts).toContain(needed);
    }

    const scrapeConfig = parseYaml(await readFile(new URL('prometheus/prometheus.yml', root), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(scrapeConfig.rule_files).toContain('alerts.yml');
    expect(scrapeConfig.scrape_configs.map((job) => job.job_name).sort()).toEqual(['gateway', ...SUBGRAPHS].sort());

    const dashboard = JSON.parse(await readFile(new URL('grafana/academy-supergraph.json', root), 'utf8')) as Dashboard;
    const panelExpressions = dashboardExpressions(dashboard.panels);
    expect(panelExpressions.length).toBeGreaterThanOrEqual(10);

    const unknown = new Set<string>();
    for (const expression of [...alertExpressions, ...panelExpressions]) {
      const names = metricNamesIn(expression);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) if (!exposed.has(name) && !SCRAPE_SERIES.has(name)) unknown.add(name);
    }
    expect([...unknown]).toEqual([]);
  });
});
