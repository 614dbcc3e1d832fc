// Delivers due reminders (sessions starting in 24 hours, seat holds about to lapse): at start,
// so reminders that fell due while no process ran go out at once, then every interval. Several
// processes may run it: deliverDueReminders skips rows another holds and delivers each once.
import { createPeriodicJob, type Logger, type PeriodicJob } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';
import type { LiveEvents } from '../live/live-events.js';
import { deliverDueReminders } from '../services/event-notifications.service.js';
import type { DeliverySettings } from '../services/notification-delivery.service.js';

/** A running reminder job; `runOnce` answers how many notifications it stored. */
export type ReminderJob = PeriodicJob;

export function createReminderJob(options: {
  db: Kysely<CommunityDatabase>;
  settings: DeliverySettings;
  live: LiveEvents | null;
  intervalMs: number;
  logger: Logger;
  /** The job's clock (tests move it forward); default: the system's. */
  now?: () => Date;
}): ReminderJob {
  const { db, settings, live } = options;
  const now = options.now ?? (() => new Date());
  return createPeriodicJob({
    task: 'delivering due reminders',
    intervalMs: options.intervalMs,
    logger: options.logger,
    run: async () => {
      const stored = await deliverDueReminders(db, settings, now());
      if (live) await live.notificationsCreated(stored.filter((n) => n.in_app));
      return stored.length;
    },
  });
}
