// The kinds of notification whose delivery users choose, with what each user gets until they
// choose otherwise. Notification rows keep their kind in `type`.
import type { NotificationKind, NotificationPriority } from '../generated/graphql.js';

/** How a kind is delivered by default, how urgent it is, and how e-mails name it. */
export interface KindDefaults {
  inApp: boolean;
  email: boolean;
  priority: NotificationPriority;
  /** Completes "You will no longer receive e-mails about …". */
  label: string;
}

/** Every kind, in the order of the NotificationKind enum. */
export const NOTIFICATION_KINDS: Readonly<Record<NotificationKind, KindDefaults>> = {
  BOOKING_CONFIRMED: { inApp: true, email: true, priority: 'MEDIUM', label: 'confirmed bookings' },
  SEAT_HOLD_EXPIRING: { inApp: true, email: true, priority: 'HIGH', label: 'seat holds about to lapse' },
  SESSION_CANCELLED: { inApp: true, email: true, priority: 'URGENT', label: 'cancelled training sessions' },
  SESSION_REMINDER: { inApp: true, email: true, priority: 'MEDIUM', label: 'training session reminders' },
  CERTIFICATE_ISSUED: { inApp: true, email: true, priority: 'MEDIUM', label: 'new certificates' },
  ENROLLMENT_CREATED: { inApp: true, email: false, priority: 'LOW', label: 'new course enrollments' },
  REFUND_DECIDED: { inApp: true, email: true, priority: 'HIGH', label: 'refund decisions' },
  CHAT_ROOM_MEMBER_ADDED: { inApp: true, email: false, priority: 'MEDIUM', label: 'being added to chat rooms' },
};

/** Whether `value` names a kind users choose the delivery of. */
export const isNotificationKind = (value: string): value is NotificationKind => Object.hasOwn(NOTIFICATION_KINDS, value);
