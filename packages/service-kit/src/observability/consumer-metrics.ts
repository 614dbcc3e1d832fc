import { Counter, Gauge } from 'prom-client';
import { metricFamily } from './metrics.js';

/** How far a consumer is behind its source's outbox. */
export interface ConsumerLag {
  /** Readable events after the consumer's checkpoint (counted up to a cap). */
  pending: number;
  /** Age of the oldest of them, in seconds; 0 when there is none. */
  oldestAgeSeconds: number;
}

/** A running consumer, as its metrics see it. */
export interface WatchedConsumer {
  name: string;
  source: string;
  /** Reads the lag from the database; asked at each scrape. */
  lag(): Promise<ConsumerLag>;
}

/** The most a scrape waits for one consumer's lag before it shows the last one read. */
const LAG_TIMEOUT_MS = 1_000;

const consumers = new Set<WatchedConsumer>();
const lastLag = new WeakMap<WatchedConsumer, ConsumerLag>();

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer in time')), LAG_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Reads every running consumer's lag once per scrape, whichever of the two gauges asks first. */
let reading: Promise<Map<WatchedConsumer, ConsumerLag>> | null = null;
function readLags(): Promise<Map<WatchedConsumer, ConsumerLag>> {
  reading ??= (async () => {
    const entries = await Promise.all(
      [...consumers].map(async (consumer) => {
        try {
          const lag = await withinTimeout(consumer.lag());
          lastLag.set(consumer, lag);
          return [consumer, lag] as const;
        } catch {
          // The database is out of reach: the last reading stands (an outage has alerts of its own).
          const last = lastLag.get(consumer);
          return last ? ([consumer, last] as const) : null;
        }
      }),
    );
    return new Map(entries.filter((entry) => entry !== null));
  })().finally(() => {
    reading = null;
  });
  return reading;
}

function lagGauge(name: string, help: string, read: (lag: ConsumerLag) => number) {
  return metricFamily(
    name,
    (registers) =>
      new Gauge({
        name,
        help,
        labelNames: ['consumer', 'source'] as const,
        registers,
        async collect() {
          const lags = await readLags();
          this.reset();
          for (const [consumer, lag] of lags) this.set({ consumer: consumer.name, source: consumer.source }, read(lag));
        },
      }),
  );
}

/**
 * Shows a consumer in the process's metrics while it runs: its lag behind the source's outbox
 * (events pending, age of the oldest), read at each scrape, and the events it handled or failed on.
 */
export function watchEventConsumer(consumer: WatchedConsumer) {
  lagGauge('event_consumer_pending_events', 'Events in the source outbox after the consumer checkpoint (counted up to 1000).', (lag) => lag.pending);
  lagGauge('event_consumer_oldest_pending_age_seconds', 'Age of the oldest event the consumer has yet to process; 0 when it is caught up.', (lag) => lag.oldestAgeSeconds);
  const handled = metricFamily(
    'event_consumer_events_handled_total',
    (registers) =>
      new Counter({ name: 'event_consumer_events_handled_total', help: 'Events a consumer handled (its transaction committed).', labelNames: ['consumer', 'source'] as const, registers }),
  );
  const failed = metricFamily(
    'event_consumer_failures_total',
    (registers) =>
      new Counter({ name: 'event_consumer_failures_total', help: 'Failed attempts of a consumer (a handler threw, or the database was out of reach).', labelNames: ['consumer', 'source'] as const, registers }),
  );
  const labels = { consumer: consumer.name, source: consumer.source };
  handled.inc(labels, 0);
  failed.inc(labels, 0);
  consumers.add(consumer);
  return {
    handled: () => handled.inc(labels),
    failed: () => failed.inc(labels),
    /** The consumer stopped: its lag is no longer read. */
    unwatch: () => consumers.delete(consumer),
  };
}
