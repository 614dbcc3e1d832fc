// Settles approved refunds the provider has not answered: at start (approvals a stopped process
// left behind) and then every interval. Several processes may run it: the provider call is
// idempotent by refund id and the outcome is recorded once, under the refund's lock.
import { createPeriodicJob, type PeriodicJob } from '@academy/service-kit';
import { settleWaitingRefunds, type RefundProcessing } from '../services/refund.service.js';

/** How long an approval is left to the request that made it before the job takes it up. */
export const REFUND_RETRY_MIN_AGE_MS = 30_000;

/** A running refund-retry job; `runOnce` answers the number of refunds looked at. */
export type RefundRetryJob = PeriodicJob;

/** The refund-retry job over `options.db`, through `options.payments`; call `start` to run it. */
export function createRefundRetryJob(options: RefundProcessing & { intervalMs: number; minAgeMs?: number }): RefundRetryJob {
  const minAgeMs = options.minAgeMs ?? REFUND_RETRY_MIN_AGE_MS;
  return createPeriodicJob({ task: 'settling waiting refunds', intervalMs: options.intervalMs, logger: options.logger, run: () => settleWaitingRefunds(options, minAgeMs) });
}
