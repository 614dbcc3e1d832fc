// What community takes from learning's outbox: certificates issued and new enrollments, as notifications.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CommunityDatabase } from '../db/database.js';
import type { LiveEvents } from '../live/live-events.js';
import { applyCertificateIssued, applyEnrollmentCreated } from '../services/event-notifications.service.js';
import type { DeliverySettings } from '../services/notification-delivery.service.js';
import { AfterCommit } from './after-commit.js';

/** The consumer's name in community.event_checkpoints and processed_events: never rename it, or it starts over. */
export const LEARNING_CONSUMER = 'community.learning';

// learning's payloads as this consumer relies on them (checked, not trusted).
const id = z.uuid().transform((value) => value.toLowerCase());
const certificateIssued = z.object({
  certificateId: id,
  number: z.string().min(1).max(64),
  userId: id,
  courseId: id,
  expiresAt: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).nullable(),
});
const enrollmentCreated = z.object({ enrollmentId: id, userId: id, courseId: id, reactivated: z.boolean() });

export function createLearningEventConsumer(options: {
  db: Kysely<CommunityDatabase>;
  settings: DeliverySettings;
  live: LiveEvents | null;
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
}): EventConsumer {
  const { settings } = options;
  const after = new AfterCommit(options.live);
  return createEventConsumer<CommunityDatabase>({
    name: LEARNING_CONSUMER,
    source: 'learning',
    schema: 'community',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    onHandled: after.announce,
    handlers: {
      CertificateIssued: after.handler((event, trx) => applyCertificateIssued(trx, settings, certificateIssued.parse(event.payload))),
      EnrollmentCreated: after.handler((event, trx) => applyEnrollmentCreated(trx, settings, enrollmentCreated.parse(event.payload))),
    },
  });
}
