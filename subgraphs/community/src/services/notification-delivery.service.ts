// Notifications caused by domain events and reminders: stored once per (user, dedupe key), shown
// in the app or not and e-mailed or not as the user chose for the kind, e-mails held back until
// the user's quiet hours end. Everything is written in the caller's transaction: the
// notification, and the NotificationEmailRequested event identity turns into the e-mail.
import type { Transaction } from 'kysely';
import type { CommunityDatabase, Notification, NotificationPriority } from '../db/database.js';
import { publishNotificationEmailRequested } from '../events/published.js';
import type { NotificationKind } from '../generated/graphql.js';
import { findPreferences, findQuietHours } from '../repositories/notification-preference.repository.js';
import { insertNotificationsOnce } from '../repositories/notification.repository.js';
import type { LinkTokens } from '../security/link-tokens.js';
import { NOTIFICATION_KINDS } from './notification-kinds.js';
import { sendAfter } from './quiet-hours.js';

/** Where unsubscribe links point, on the gateway (which passes them to community). */
export const UNSUBSCRIBE_PATH = '/notifications/unsubscribe';

/** How long an unsubscribe link keeps working. */
const UNSUBSCRIBE_LINK_DAYS = 365;

/** What delivering notifications needs besides the transaction. */
export interface DeliverySettings {
  links: LinkTokens;
  /** The API's public base URL (the gateway), for unsubscribe links. */
  publicApiUrl: string;
  /** The web app's base URL, for the links to act on a notification. */
  appUrl: string;
}

/** A notification to deliver. */
export interface NotificationDraft {
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string | null;
  /** A path in the app, e.g. /sessions/<id>. */
  actionUrl: string | null;
  data: Record<string, unknown>;
  /** The kind and the aggregate of the event that causes it: one notification per user and key. */
  dedupeKey: string;
  /** Default: the kind's. */
  priority?: NotificationPriority;
}

const clip = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

/**
 * Stores the drafts not stored before and requests the e-mails the users want. Returns the
 * notifications stored now (announce those shown in the app, `in_app`, once the transaction committed).
 */
export async function deliverNotifications(
  trx: Transaction<CommunityDatabase>,
  settings: DeliverySettings,
  drafts: readonly NotificationDraft[],
  now = new Date(),
): Promise<Notification[]> {
  if (drafts.length === 0) return [];
  const userIds = [...new Set(drafts.map((d) => d.userId))];
  const [preferences, quietHours] = await Promise.all([findPreferences(trx, userIds), findQuietHours(trx, userIds)]);
  const choice = (userId: string, kind: NotificationKind) => {
    const stored = preferences.find((p) => p.user_id === userId && p.kind === kind);
    const defaults = NOTIFICATION_KINDS[kind];
    return { inApp: stored?.in_app ?? defaults.inApp, email: stored?.email ?? defaults.email };
  };

  const stored = await insertNotificationsOnce(
    trx,
    drafts.map((d) => ({
      user_id: d.userId,
      type: d.kind,
      title: clip(d.title, 200),
      body: d.body === null ? null : clip(d.body, 2000),
      priority: d.priority ?? NOTIFICATION_KINDS[d.kind].priority,
      action_url: d.actionUrl,
      data: JSON.stringify(d.data),
      read_at: null,
      dedupe_key: d.dedupeKey,
      in_app: choice(d.userId, d.kind).inApp,
    })),
  );

  for (const notification of stored) {
    const kind = notification.type as NotificationKind;
    if (!choice(notification.user_id, kind).email) continue;
    const token = await settings.links.sign({
      userId: notification.user_id,
      kind,
      purpose: 'unsubscribe',
      expiresAt: new Date(now.getTime() + UNSUBSCRIBE_LINK_DAYS * 86_400_000),
    });
    const unsubscribeUrl = `${settings.publicApiUrl}${UNSUBSCRIBE_PATH}?token=${token}`;
    const quiet = quietHours.find((q) => q.user_id === notification.user_id);
    const text = [
      notification.title,
      ...(notification.body ? ['', notification.body] : []),
      ...(notification.action_url ? ['', `Open: ${settings.appUrl}${notification.action_url}`] : []),
      '',
      '--',
      `You receive this because e-mails about ${NOTIFICATION_KINDS[kind].label} are on.`,
      `To stop them: ${unsubscribeUrl}`,
      '',
    ].join('\n');
    await publishNotificationEmailRequested(trx, {
      notificationId: notification.id,
      userId: notification.user_id,
      kind,
      subject: notification.title,
      text,
      unsubscribeUrl,
      sendAfter: sendAfter(now, quiet ? { start: quiet.starts_at, end: quiet.ends_at, timeZone: quiet.time_zone } : null).toISOString(),
    });
  }
  return stored;
}
