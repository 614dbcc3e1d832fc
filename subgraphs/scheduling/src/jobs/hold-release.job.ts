// Releases lapsed seat holds: at start (so holds that lapsed while no process ran are freed at
// once) and then every interval. Several processes may run it: releaseExpiredHolds skips rows
// another holds and moves each hold once.
import type { Logger } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { SchedulingDatabase } from '../db/database.js';
import { releaseExpiredHolds } from '../services/registration.service.js';

/** A running hold-release job. */
export interface HoldReleaseJob {
  /** Runs once now and then every interval; resolves after the first run. */
  start(): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Runs once now (after any run in progress); the number of holds released. */
  runOnce(): Promise<number>;
}

export function createHoldReleaseJob(options: { db: Kysely<SchedulingDatabase>; intervalMs: number; logger: Logger }): HoldReleaseJob {
  const { db, intervalMs, logger } = options;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> = Promise.resolve(0);

  const runOnce = (): Promise<number> => {
    const run = running.catch(() => 0).then(async () => {
      const released = await releaseExpiredHolds(db);
      if (released > 0) logger.info('released lapsed seat holds', { released });
      return released;
    });
    running = run;
    return run;
  };
  // A failed run (the database away, say) is logged; the next interval tries again.
  const tick = () => runOnce().catch((error: unknown) => logger.error('releasing lapsed seat holds failed', { err: error }));

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
