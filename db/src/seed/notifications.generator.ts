// Community's side of scheduling's registrations and the notifications of other domains, as
// community's consumers would have built them from the events: its copy of sessions and
// registrations, the reminders planned (and those already sent), notifications of every kind,
// and users' notification preferences and quiet hours.
import type { Row } from './bulk-insert.js';
import { DAY, HOUR, MINUTE, iso, type SessionEntity, type TableRows, type UserEntity } from './model.js';
import type { Prng } from './prng.js';
import { TABLE_SPECS } from './tables.js';

export interface NotificationsInput {
  anchor: number;
  users: readonly UserEntity[];
  learners: readonly number[];
  demoLearner: number;
  sessions: readonly SessionEntity[];
  /** scheduling.training_sessions rows, as loaded. */
  sessionRows: readonly Row[];
  /** scheduling.registrations rows, as loaded. */
  registrationRows: readonly Row[];
}

/** The kinds of the notification preferences users set. */
const KINDS = [
  'BOOKING_CONFIRMED', 'SEAT_HOLD_EXPIRING', 'SESSION_CANCELLED', 'SESSION_REMINDER', 'CERTIFICATE_ISSUED', 'ENROLLMENT_CREATED',
  'REFUND_DECIDED', 'CHAT_ROOM_MEMBER_ADDED',
] as const;
const TIME_ZONES = ['Europe/London', 'Europe/Dublin', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'] as const;
const PRIORITY: Record<string, string> = {
  BOOKING_CONFIRMED: 'MEDIUM', SEAT_HOLD_EXPIRING: 'HIGH', SESSION_CANCELLED: 'URGENT', SESSION_REMINDER: 'MEDIUM',
  CERTIFICATE_ISSUED: 'MEDIUM', ENROLLMENT_CREATED: 'LOW', REFUND_DECIDED: 'HIGH',
};

const column = (table: keyof typeof TABLE_SPECS, name: string): number => {
  const index = TABLE_SPECS[table].columns.findIndex(([c]) => c === name);
  if (index < 0) throw new Error(`${table} has no column ${name}`);
  return index;
};
const when = (ms: number) => `${iso(ms).slice(0, 16).replace('T', ' ')} UTC`;

/** The community tables of notification delivery, and the notifications to add to the chat's. */
export function generateNotifications(rng: Prng, input: NotificationsInput): { tables: TableRows[]; notifications: Row[] } {
  const { anchor, users } = input;
  const S = {
    id: column('scheduling.training_sessions', 'id'), course: column('scheduling.training_sessions', 'course_id'),
    starts: column('scheduling.training_sessions', 'starts_at'), ends: column('scheduling.training_sessions', 'ends_at'),
    cancelled: column('scheduling.training_sessions', 'cancelled_at'),
  };
  const R = {
    id: column('scheduling.registrations', 'id'), session: column('scheduling.registrations', 'session_id'), user: column('scheduling.registrations', 'user_id'),
    status: column('scheduling.registrations', 'status'), hold: column('scheduling.registrations', 'hold_expires_at'),
    updated: column('scheduling.registrations', 'updated_at'), confirmed: column('scheduling.registrations', 'confirmed_at'),
  };
  const notifications: Row[] = [];
  /** A notification, read by now for most of the older ones. */
  const notify = (userId: string, kind: string, title: string, body: string | null, actionUrl: string, data: Record<string, unknown>, dedupeKey: string, createdAt: number): string => {
    const id = rng.uuid();
    const read = createdAt < anchor - DAY && rng.chance(0.7) ? iso(createdAt + rng.int(1, 48) * HOUR) : null;
    notifications.push([id, userId, kind, title, body, PRIORITY[kind] ?? 'MEDIUM', actionUrl, JSON.stringify(data), iso(createdAt), read, dedupeKey, true]);
    return id;
  };

  const sessionCopy: Row[] = [];
  const startsOf = new Map<string, { startsAt: number; cancelled: boolean; courseId: string }>();
  input.sessionRows.forEach((row, i) => {
    const session = input.sessions[i]!;
    const startsAt = Date.parse(String(row[S.starts]));
    startsOf.set(String(row[S.id]), { startsAt, cancelled: row[S.cancelled] !== null, courseId: String(row[S.course]) });
    sessionCopy.push([row[S.id] ?? null, row[S.course] ?? null, session.trainerUser === null ? null : users[session.trainerUser]!.id, row[S.starts] ?? null, row[S.ends] ?? null, row[S.cancelled] ?? null]);
  });

  const registrationCopy: Row[] = [];
  const reminders: Row[] = [];
  for (const row of input.registrationRows) {
    const [id, sessionId, userId, status] = [String(row[R.id]), String(row[R.session]), String(row[R.user]), String(row[R.status])];
    const session = startsOf.get(sessionId)!;
    const copyStatus = status === 'PENDING_PAYMENT' ? 'HELD' : status === 'CANCELLED' || status === 'EXPIRED' ? status : 'CONFIRMED';
    const changedAt = Date.parse(String(row[R.updated]));
    registrationCopy.push([id, sessionId, userId, session.courseId, copyStatus, row[R.hold] ?? null, status === 'CANCELLED' ? 'BY_USER' : null, iso(changedAt)]);
    const upcoming = session.startsAt > anchor && !session.cancelled;
    if (copyStatus === 'CONFIRMED' && upcoming) {
      const confirmedAt = Date.parse(String(row[R.confirmed] ?? row[R.updated]));
      notify(userId, 'BOOKING_CONFIRMED', 'Your booking is confirmed', `Your seat at the training session starting ${when(session.startsAt)} is confirmed.`,
        `/sessions/${sessionId}`, { registrationId: id, sessionId, courseId: session.courseId }, `BOOKING_CONFIRMED:${id}`, Math.min(confirmedAt, anchor - MINUTE));
      const dueAt = Math.max(session.startsAt - DAY, confirmedAt);
      let sent: string | null = null;
      if (dueAt <= anchor - MINUTE) {
        sent = notify(userId, 'SESSION_REMINDER', 'Your training session starts soon', `It starts ${when(session.startsAt)}.`, `/sessions/${sessionId}`,
          { registrationId: id, sessionId, startsAt: iso(session.startsAt) }, `SESSION_REMINDER:${id}`, dueAt);
      }
      reminders.push([rng.uuid(), 'SESSION_REMINDER', id, sessionId, userId, iso(dueAt), sent ? 'SENT' : 'PENDING', sent, iso(confirmedAt), sent ? iso(dueAt) : null]);
    }
    if (copyStatus === 'HELD' && row[R.hold] !== null) {
      const lapses = Date.parse(String(row[R.hold]));
      const dueAt = lapses - 5 * MINUTE;
      reminders.push([rng.uuid(), 'SEAT_HOLD_EXPIRING', id, sessionId, userId, iso(dueAt), dueAt <= anchor ? 'SKIPPED' : 'PENDING', null, iso(changedAt), dueAt <= anchor ? iso(dueAt) : null]);
    }
  }

  // The demo learner has one notification of each kind the other domains cause.
  const demo = users[input.demoLearner]!.id;
  const someSession = input.sessionRows.find((r) => r[S.cancelled] !== null) ?? input.sessionRows[0];
  const sessionId = String(someSession?.[S.id] ?? rng.uuid());
  const upcoming = input.sessionRows.find((r) => Date.parse(String(r[S.starts])) > anchor + 2 * DAY && r[S.cancelled] === null);
  if (upcoming) {
    const booked = String(upcoming[S.id]);
    const startsAt = Date.parse(String(upcoming[S.starts]));
    const registration = rng.uuid();
    notify(demo, 'BOOKING_CONFIRMED', 'Your booking is confirmed', `Your seat at the training session starting ${when(startsAt)} is confirmed.`, `/sessions/${booked}`,
      { registrationId: registration, sessionId: booked }, `BOOKING_CONFIRMED:${registration}`, anchor - 5 * DAY);
    notify(demo, 'SESSION_REMINDER', 'Your training session starts soon', `It starts ${when(startsAt)}.`, `/sessions/${booked}`,
      { registrationId: registration, sessionId: booked }, `SESSION_REMINDER:${registration}`, anchor - HOUR);
  }
  const held = rng.uuid();
  notify(demo, 'SEAT_HOLD_EXPIRING', 'Your held seat is about to be released', `Complete the payment before ${when(anchor - 2 * DAY + 15 * MINUTE)} to keep it.`,
    `/sessions/${sessionId}`, { registrationId: held, sessionId }, `SEAT_HOLD_EXPIRING:${held}`, anchor - 2 * DAY + 10 * MINUTE);
  notify(demo, 'SESSION_CANCELLED', 'A training session you booked was cancelled', 'The session will not take place. Reason: The trainer is unwell.',
    `/sessions/${sessionId}`, { sessionId, reason: 'The trainer is unwell.' }, `SESSION_CANCELLED:${sessionId}`, anchor - 3 * DAY);
  const certificate = rng.uuid();
  notify(demo, 'CERTIFICATE_ISSUED', 'Your certificate ACD-2026-000001 is ready', 'It is valid for three years.', `/certificates/${certificate}`,
    { certificateId: certificate, number: 'ACD-2026-000001' }, `CERTIFICATE_ISSUED:${certificate}`, anchor - 20 * DAY);
  const enrollment = rng.uuid();
  notify(demo, 'ENROLLMENT_CREATED', 'Welcome to your new course', 'You are enrolled: your first lesson is waiting.', `/courses`, { enrollmentId: enrollment },
    `ENROLLMENT_CREATED:${enrollment}`, anchor - 6 * HOUR);
  for (const approved of [true, false]) {
    const refund = rng.uuid();
    const order = rng.uuid();
    notify(demo, 'REFUND_DECIDED', approved ? 'Your refund for order ORD-2026-000042 was approved' : 'Your refund for order ORD-2026-000057 was declined',
      approved ? '£70.00 will be paid back (£75.00 less a fee of £5.00).' : 'The refund of £120.00 was not approved.', `/orders/${order}`,
      { refundId: refund, orderId: order, approved }, `REFUND_DECIDED:${refund}`, anchor - (approved ? 9 : 4) * DAY);
  }

  // Preferences: the demo learner's, and some learners' (e-mails turned off, some kinds out of the app).
  const preferences: Row[] = [
    [demo, 'ENROLLMENT_CREATED', true, true, iso(anchor - 30 * DAY)],
    [demo, 'CHAT_ROOM_MEMBER_ADDED', false, false, iso(anchor - 30 * DAY)],
  ];
  const quiet: Row[] = [[demo, '22:00', '07:00', 'Europe/London', iso(anchor - 30 * DAY)]];
  for (const learner of input.learners) {
    const userId = users[learner]!.id;
    if (rng.chance(0.06)) {
      for (const kind of rng.sample(KINDS, rng.int(1, 3))) preferences.push([userId, kind, kind !== 'CHAT_ROOM_MEMBER_ADDED' || rng.chance(0.5), rng.chance(0.3), iso(anchor - rng.int(1, 300) * DAY)]);
    }
    if (rng.chance(0.03)) {
      const start = rng.int(20, 23);
      quiet.push([userId, `${start}:00`, `0${rng.int(6, 8)}:30`, rng.pick(TIME_ZONES), iso(anchor - rng.int(1, 300) * DAY)]);
    }
  }

  return {
    notifications,
    tables: [
      { table: 'community.training_sessions', total: sessionCopy.length, rows: sessionCopy },
      { table: 'community.session_registrations', total: registrationCopy.length, rows: registrationCopy },
      { table: 'community.reminders', total: reminders.length, rows: reminders },
      { table: 'community.notification_preferences', total: preferences.length, rows: preferences },
      { table: 'community.notification_quiet_hours', total: quiet.length, rows: quiet },
    ],
  };
}
