import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { ErrorCode, OperationLimitCode, RequestErrorCode } from '../error-codes.js';
import { closeServer, createServer, listen } from '../http.js';

/**
 * One registry per process. Every service's families carry a `service` label, so six subgraphs
 * and the gateway in one process (single-process/, the tests) share families without clashing;
 * the process-wide ones (prom-client's defaults: memory, CPU, event-loop delay, GC) appear once.
 * Each family is created the first time a service asks for it and reused by the next.
 */
let registry: Registry | null = null;

/** The process's registry, with prom-client's default metrics (memory, event-loop delay, GC) in it. */
export function metricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  }
  return registry;
}

/** The family named `name` in the process's registry, created by `create` the first time. */
export function metricFamily<M extends Metric>(name: string, create: (registers: Registry[]) => M): M {
  const registry = metricsRegistry();
  return (registry.getSingleMetric(name) as M | undefined) ?? create([registry]);
}

/** Seconds for request-like work: 1 ms to 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const KNOWN_CODES: ReadonlySet<string> = new Set<string>([...Object.values(ErrorCode), ...Object.values(OperationLimitCode), ...Object.values(RequestErrorCode)]);

/** An error code as a label value: one of the contract's codes, "NONE" when there is none, or "OTHER". */
export function codeLabel(code: unknown): string {
  if (code === undefined || code === null) return 'NONE';
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'OTHER';
}

/** Elapsed seconds since `startedAt` (a `performance.now()` reading). */
export const secondsSince = (startedAt: number) => (performance.now() - startedAt) / 1000;

// --- Subgraph requests -------------------------------------------------------------------------

/** Request latency and errors of one subgraph, as its Apollo Server sees them (HTTP and in process alike). */
export function subgraphRequestMetrics(service: string) {
  const duration = metricFamily(
    'subgraph_request_duration_seconds',
    (registers) =>
      new Histogram({
        name: 'subgraph_request_duration_seconds',
        help: 'Time a subgraph took to answer one GraphQL request (a fetch of a query plan), by service.',
        labelNames: ['service'] as const,
        buckets: LATENCY_BUCKETS,
        registers,
      }),
  );
  const errors = metricFamily(
    'subgraph_errors_total',
    (registers) =>
      new Counter({
        name: 'subgraph_errors_total',
        help: 'GraphQL errors a subgraph answered, by service and error code.',
        labelNames: ['service', 'code'] as const,
        registers,
      }),
  );
  // Series exist from the start, so rates are defined before the first request.
  duration.zero({ service });
  return {
    observe(seconds: number, codes: readonly unknown[]): void {
      duration.observe({ service }, seconds);
      for (const code of codes) errors.inc({ service, code: codeLabel(code) });
    },
  };
}

// --- Database pools ----------------------------------------------------------------------------

/** Which service a pool serves, and as what: the primary, or the read replica of analyst figures. */
interface PoolLabels {
  service: string;
  pool: string;
}

const pools = new Map<pg.Pool, PoolLabels>();

/** The pools of this process as gauges, summed per service and pool role (a test process may run a service twice). */
function poolGauge(name: string, help: string, read: (pool: pg.Pool) => number) {
  return metricFamily(
    name,
    (registers) =>
      new Gauge({
        name,
        help,
        labelNames: ['service', 'pool'] as const,
        registers,
        collect() {
          this.reset();
          for (const [pool, labels] of pools) {
            // An ended pool leaves the gauges at the next scrape.
            if (pool.ending) pools.delete(pool);
            else this.inc(labels, read(pool));
          }
        },
      }),
  );
}

/**
 * Watches `pool` for as long as it is open: its connections (open, idle, the most it opens),
 * the requests waiting for one, and how long taking one took (see `observeConnectionWait`),
 * labelled with `service` and `role` (`pool`: `primary`, or `analytics-read` for the replica).
 */
export function watchDatabasePool(pool: pg.Pool, service: string, role = 'primary'): { observeConnectionWait(seconds: number): void } {
  poolGauge('db_pool_connections', 'Connections a service pool holds open (in use and idle).', (p) => p.totalCount);
  poolGauge('db_pool_idle_connections', 'Open connections of a service pool that are idle.', (p) => p.idleCount);
  poolGauge('db_pool_waiting_requests', 'Requests waiting for a connection of a service pool (all are in use).', (p) => p.waitingCount);
  poolGauge('db_pool_max_connections', 'The most connections a service pool opens.', (p) => p.options.max ?? 10);
  const wait = metricFamily(
    'db_pool_acquire_duration_seconds',
    (registers) =>
      new Histogram({
        name: 'db_pool_acquire_duration_seconds',
        help: 'Time taken to get a connection from a service pool (including opening one).',
        labelNames: ['service', 'pool'] as const,
        buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
        registers,
      }),
  );
  const labels = { service, pool: role };
  wait.zero(labels);
  pools.set(pool, labels);
  return { observeConnectionWait: (seconds) => wait.observe(labels, seconds) };
}

// --- Serving -----------------------------------------------------------------------------------

/** Where and how /metrics is served. */
export interface MetricsSettings {
  /** A port of its own for /metrics (0: any free one); unset: the service's own port. */
  port?: number;
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>`. */
  token?: string;
}

export const METRICS_PATH = '/metrics';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GET /metrics: the process's registry in Prometheus' text format, behind the token when one is set. */
export function metricsRoute(settings: Pick<MetricsSettings, 'token'> = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (settings.token !== undefined) {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
      if (!sameSecret(given, settings.token)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain; charset=utf-8' }).end('metrics need a bearer token\n');
        return;
      }
    }
    const registry = metricsRegistry();
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}

/** The routes to add to a service's own port: /metrics, unless it has a port of its own. */
export function metricsRoutes(settings: MetricsSettings = {}): Record<string, ReturnType<typeof metricsRoute>> {
  return settings.port === undefined ? { [METRICS_PATH]: metricsRoute(settings) } : {};
}

/**
 * Serves /metrics on `settings.port` when the settings give one; resolves with its URL (and how
 * to stop it), or null when /metrics is served on the service's own port.
 */
export async function startMetricsServer(settings: MetricsSettings, host?: string): Promise<{ url: string; stop(): Promise<void> } | null> {
  if (settings.port === undefined) return null;
  const route = metricsRoute(settings);
  const server = createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] === METRICS_PATH) {
      void route(req, res).catch(() => res.destroy());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  });
  const port = await listen(server, settings.port, host);
  return { url: `http://127.0.0.1:${port}${METRICS_PATH}`, stop: () => closeServer(server) };
}
