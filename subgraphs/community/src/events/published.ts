// The domain events community publishes through its outbox (community.outbox), each in the
// transaction that makes the change.
import { appendEvent } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';

/** The schema whose outbox community's events go to. */
export const COMMUNITY_EVENT_SOURCE = 'community';

/**
 * The payload of `NotificationEmailRequested` (aggregate: the notification): identity, which
 * knows the user's address, writes the e-mail once and sends it at `sendAfter` at the earliest.
 */
export interface NotificationEmailRequestedPayload {
  notificationId: string;
  userId: string;
  /** The notification's kind, e.g. BOOKING_CONFIRMED. */
  kind: string;
  subject: string;
  /** The whole plain-text body, the unsubscribe link included. */
  text: string;
  /** Turns this kind's e-mails off for the user, without signing in. */
  unsubscribeUrl: string;
  /** ISO 8601: not before then (the end of the user's quiet hours, or when the notification was made). */
  sendAfter: string;
}

/** Publishes `NotificationEmailRequested` in `trx`, the transaction that stores the notification. */
export function publishNotificationEmailRequested(trx: Kysely<CommunityDatabase>, payload: NotificationEmailRequestedPayload): Promise<string> {
  return appendEvent(trx, COMMUNITY_EVENT_SOURCE, { type: 'NotificationEmailRequested', aggregateId: payload.notificationId, payload });
}
