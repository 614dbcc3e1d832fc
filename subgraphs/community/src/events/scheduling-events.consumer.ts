// What community takes from scheduling's outbox: its copy of sessions and registrations, the
// session rooms and their members, and the notifications of bookings, cancellations and
// reminders.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CommunityDatabase } from '../db/database.js';
import type { LiveEvents } from '../live/live-events.js';
import {
  applyRegistrationConfirmed,
  applyRegistrationEnded,
  applyRegistrationHeld,
  applySessionCancelled,
  applySessionScheduled,
  type EventNotificationSettings,
} from '../services/event-notifications.service.js';
import { AfterCommit } from './after-commit.js';

/** The consumer's name in community.event_checkpoints and processed_events: never rename it, or it starts over. */
export const SCHEDULING_CONSUMER = 'community.scheduling';

// scheduling's payloads as this consumer relies on them. Checked, not trusted: an event of
// another shape fails (and is retried) rather than telling anyone something wrong.
const timestamp = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const id = z.uuid().transform((value) => value.toLowerCase());

const sessionScheduled = z.object({ sessionId: id, courseId: id, trainerUserId: id.nullable(), startsAt: timestamp, endsAt: timestamp });
const sessionCancelled = z.object({ sessionId: id, reason: z.string(), cancelledAt: timestamp });
const registration = z.object({ registrationId: id, sessionId: id, userId: id, courseId: id, at: timestamp });
const registrationHeld = registration.extend({ holdExpiresAt: timestamp });
const registrationCancelled = registration.extend({ reason: z.string() });

export function createSchedulingEventConsumer(options: {
  db: Kysely<CommunityDatabase>;
  settings: EventNotificationSettings;
  /** Where new notifications and removed members are announced; null: nowhere (a tool, a test). */
  live: LiveEvents | null;
  /** Where to LISTEN for scheduling's announcements (the subgraph's own role); without it, polling only. */
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
}): EventConsumer {
  const { settings } = options;
  const after = new AfterCommit(options.live);
  return createEventConsumer<CommunityDatabase>({
    name: SCHEDULING_CONSUMER,
    source: 'scheduling',
    schema: 'community',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    batchSize: options.batchSize,
    onHandled: after.announce,
    handlers: {
      TrainingSessionScheduled: after.handler((event, trx) => applySessionScheduled(trx, settings, sessionScheduled.parse(event.payload))),
      TrainingSessionCancelled: after.handler((event, trx) => applySessionCancelled(trx, settings, sessionCancelled.parse(event.payload))),
      RegistrationHeld: after.handler((event, trx) => applyRegistrationHeld(trx, settings, registrationHeld.parse(event.payload))),
      RegistrationConfirmed: after.handler((event, trx) => applyRegistrationConfirmed(trx, settings, registration.parse(event.payload))),
      RegistrationCancelled: after.handler((event, trx) => {
        const payload = registrationCancelled.parse(event.payload);
        return applyRegistrationEnded(trx, { ...payload, status: 'CANCELLED', reason: payload.reason });
      }),
      RegistrationExpired: after.handler((event, trx) => applyRegistrationEnded(trx, { ...registration.parse(event.payload), status: 'EXPIRED', reason: null })),
    },
  });
}
