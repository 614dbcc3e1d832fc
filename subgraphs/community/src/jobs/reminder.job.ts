// Delivers due reminders (sessions starting in 24 hours, seat holds about to lapse): at start,
// so reminders that fell due while no process ran go out at once, then every interval. Several
// processes may run it: deliverDueReminders skips rows another holds and delivers each once.
import type { Logger } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';
import type { LiveEvents } from '../live/live-events.js';
import { deliverDueReminders } from '../services/event-notifications.service.js';
import type { DeliverySettings } from '../services/notification-delivery.service.js';

/** A running reminder job. */
export interface ReminderJob {
  /** Runs once now and then every interval; resolves after the first run. */
  start(): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Runs once now (after any run in progress); how many notifications it stored. */
  runOnce(): Promise<number>;
}

export function createReminderJob(options: {
  db: Kysely<CommunityDatabase>;
  settings: DeliverySettings;
  live: LiveEvents | null;
  intervalMs: number;
  logger: Logger;
  /** The job's clock (tests move it forward); default: the system's. */
  now?: () => Date;
}): ReminderJob {
  const { db, settings, live, intervalMs, logger } = options;
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> = Promise.resolve(0);

  const runOnce = (): Promise<number> => {
    const run = running.catch(() => 0).then(async () => {
      const stored = await deliverDueReminders(db, settings, now());
      if (live) await live.notificationsCreated(stored.filter((n) => n.in_app));
      if (stored.length > 0) logger.info('delivered due reminders', { delivered: stored.length });
      return stored.length;
    });
    running = run;
    return run;
  };
  // A failed run (the database away, say) is logged; the next interval tries again.
  const tick = () => runOnce().catch((error: unknown) => logger.error('delivering due reminders failed', { err: error }));

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
