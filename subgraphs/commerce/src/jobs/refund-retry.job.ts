// Settles approved refunds the provider has not answered: at start (approvals a stopped process
// left behind) and then every interval. Several processes may run it: the provider call is
// idempotent by refund id and the outcome is recorded once, under the refund's lock.
import { settleWaitingRefunds, type RefundProcessing } from '../services/refund.service.js';

/** How long an approval is left to the request that made it before the job takes it up. */
export const REFUND_RETRY_MIN_AGE_MS = 30_000;

/** A running refund-retry job. */
export interface RefundRetryJob {
  /** Runs once now and then every interval; resolves after the first run. */
  start(): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Runs once now (after any run in progress); the number of refunds looked at. */
  runOnce(): Promise<number>;
}

/** The refund-retry job over `options.db`, through `options.paymentProvider`; call `start` to run it. */
export function createRefundRetryJob(options: RefundProcessing & { intervalMs: number; minAgeMs?: number }): RefundRetryJob {
  const { intervalMs, logger } = options;
  const minAgeMs = options.minAgeMs ?? REFUND_RETRY_MIN_AGE_MS;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> = Promise.resolve(0);

  const runOnce = (): Promise<number> => {
    const run = running.catch(() => 0).then(async () => {
      const seen = await settleWaitingRefunds(options, minAgeMs);
      if (seen > 0) logger.info('tried to settle waiting refunds', { seen });
      return seen;
    });
    running = run;
    return run;
  };
  // A failed run (the database away, say) is logged; the next interval tries again.
  const tick = () => runOnce().catch((error: unknown) => logger.error('settling waiting refunds failed', { err: error }));

  return {
    async start() {
      await tick();
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running.catch(() => 0);
    },
    runOnce,
  };
}
