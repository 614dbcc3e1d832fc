// What identity takes from community's outbox: the notification e-mails community asks for.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { IdentityDatabase } from '../db/database.js';
import { queueNotificationEmail } from '../services/notification-email.service.js';

/** The consumer's name in identity.event_checkpoints and processed_events: never rename it, or it starts over. */
export const COMMUNITY_CONSUMER = 'identity.community';

// community's `NotificationEmailRequested` payload as this consumer relies on it (checked, not trusted).
const notificationEmailRequested = z.object({
  notificationId: z.uuid(),
  userId: z.uuid(),
  subject: z.string().min(1).max(200),
  text: z.string().min(1).max(20_000),
  sendAfter: z.iso.datetime({ offset: true }),
});

/**
 * The consumer of community's domain events. Each e-mail is queued once: the kit records the
 * event in identity.processed_events in the handler's transaction, and the outbox row's unique
 * source key refuses a second row for the same notification even if the event came again.
 * `onQueued` runs after the commit (to wake the mail worker).
 */
export function createCommunityEventConsumer(options: {
  db: Kysely<IdentityDatabase>;
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
  onQueued?: () => void;
}): EventConsumer {
  const { logger } = options;
  return createEventConsumer<IdentityDatabase>({
    name: COMMUNITY_CONSUMER,
    source: 'community',
    schema: 'identity',
    db: options.db,
    listen: options.listen,
    logger,
    pollIntervalMs: options.pollIntervalMs,
    onHandled: () => options.onQueued?.(),
    handlers: {
      NotificationEmailRequested: async (event, trx) => {
        const payload = notificationEmailRequested.parse(event.payload);
        await queueNotificationEmail(
          trx,
          {
            notificationId: payload.notificationId.toLowerCase(),
            userId: payload.userId.toLowerCase(),
            subject: payload.subject,
            text: payload.text,
            sendAfter: new Date(payload.sendAfter),
          },
          logger,
        );
      },
    },
  });
}
