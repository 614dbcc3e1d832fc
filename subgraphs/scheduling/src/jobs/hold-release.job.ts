// Releases lapsed seat holds: at start (so holds that lapsed while no process ran are freed at
// once) and then every interval. Several processes may run it: releaseExpiredHolds skips rows
// another holds and moves each hold once.
import { createPeriodicJob, type Logger, type PeriodicJob } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { SchedulingDatabase } from '../db/database.js';
import { releaseExpiredHolds } from '../services/registration.service.js';

/** A running hold-release job; `runOnce` answers the number of holds released. */
export type HoldReleaseJob = PeriodicJob;

export function createHoldReleaseJob(options: { db: Kysely<SchedulingDatabase>; intervalMs: number; logger: Logger }): HoldReleaseJob {
  return createPeriodicJob({ task: 'releasing lapsed seat holds', intervalMs: options.intervalMs, logger: options.logger, run: () => releaseExpiredHolds(options.db) });
}
