// E-mails of community's notifications: community decides whether and when (the user's
// preferences and quiet hours) and writes the text; identity, which alone knows the address,
// queues the message once per notification.
import type { Logger } from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';
import { enqueueEmailOnce } from '../repositories/email-outbox.repository.js';
import { findUsersByIds } from '../repositories/user.repository.js';

/** A notification e-mail community asked for. */
export interface NotificationEmailRequest {
  notificationId: string;
  userId: string;
  subject: string;
  text: string;
  sendAfter: Date;
}

/** The key of a notification's e-mail in identity.email_outbox. */
export const notificationEmailKey = (notificationId: string) => `community.notification:${notificationId}`;

/**
 * Queues the e-mail (at most once per notification, however often the request is delivered).
 * Whether anything was queued: nothing for a user who no longer exists.
 */
export async function queueNotificationEmail(trx: Transaction<IdentityDatabase>, request: NotificationEmailRequest, logger: Logger): Promise<boolean> {
  const [user] = await findUsersByIds(trx, [request.userId]);
  if (!user) {
    logger.info('notification e-mail for an unknown user dropped', { notificationId: request.notificationId });
    return false;
  }
  const id = await enqueueEmailOnce(trx, {
    to: user.email,
    subject: request.subject,
    text: request.text,
    sourceKey: notificationEmailKey(request.notificationId),
    sendAfter: request.sendAfter,
  });
  return id !== null;
}
