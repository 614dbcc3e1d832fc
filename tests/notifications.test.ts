// Notifications from other subgraphs' events, through the gateway: a booking confirmed in
// scheduling tells its registrant once, in the app (live) and by e-mail through identity's
// outbox, also when the events are delivered again; preferences and quiet hours decide the
// e-mail; its unsubscribe link works without signing in and refuses a forged token; session
// rooms follow registrations; reminders, seat-hold warnings, certificates, enrollments and
// refund decisions. Last, a community process killed part-way through a batch and restarted:
// one notification, one e-mail request and one reminder per registration.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, createLogger, type Database } from '@academy/service-kit';
import { appendEvent } from '@academy/service-kit/events';
import { createTestDatabase, type TestDatabase } from '@academy/service-kit/testing';
import { createSchedulingEventConsumer, LinkTokens, type CommunityDatabase } from '@academy/subgraph-community';
import { createCommunityEventConsumer } from '@academy/subgraph-identity';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { as, collect, signUpWithRoles, wsClient, type SignedUpUser } from './support/clients.js';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';
import { REPO_ROOT } from './support/start-command.js';

const WAIT_MS = 45_000;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await delay(25);
  }
}

const SCHEDULE = /* GraphQL */ `
  mutation($input: ScheduleSessionInput!) { scheduleTrainingSession(input: $input) { id startsAt } }
`;
const REGISTER = `mutation($sessionId: ID!) { registerForSession(sessionId: $sessionId) { id status } }`;
const CANCEL_REGISTRATION = `mutation($id: ID!) { cancelRegistration(id: $id) { id status } }`;
const CANCEL_SESSION = `mutation($id: ID!, $reason: String!) { cancelTrainingSession(id: $id, reason: $reason) { id status } }`;
const NOTIFICATIONS = /* GraphQL */ `
  query($id: ID!) {
    user(id: $id) { unreadNotificationCount notifications(first: 50) { totalCount edges { node { id type title body priority actionUrl } } } }
  }
`;
const PREFERENCES = `{ notificationPreferences { kinds { kind inApp email } quietHours { start end timeZone } } }`;
const UPDATE_PREFERENCES = /* GraphQL */ `
  mutation($input: UpdateNotificationPreferencesInput!) {
    updateNotificationPreferences(input: $input) { kinds { kind inApp email } quietHours { start end timeZone } }
  }
`;
const SESSION_ROOM = /* GraphQL */ `
  query($id: ID!) { trainingSession(id: $id) { id chatRoom { id kind archivedAt session { id } members { user { id } role } } } }
`;

interface NotificationNode {
  id: string;
  type: string;
  title: string;
  body: string | null;
  priority: string;
  actionUrl: string | null;
}

let stack: TestStack;
let scheduling: Database<any>;
let learning: Database<any>;
let commerce: Database<any>;
let organizer: SignedUpUser;
let trainerUser: SignedUpUser;
let learner: SignedUpUser;
let quietLearner: SignedUpUser;
let choosyLearner: SignedUpUser;
const trainerId = uuid();
const courseId = uuid();
let sessionsMade = 0;

const send = (user: SignedUpUser | null, query: string, variables: Record<string, unknown> = {}) =>
  stack.query<Record<string, any>>(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {});

async function notificationsOf(user: SignedUpUser): Promise<{ unread: number; nodes: NotificationNode[] }> {
  const data = await as<{ user: { unreadNotificationCount: number; notifications: { edges: { node: NotificationNode }[] } } }>(stack, user, NOTIFICATIONS, { id: user.id });
  return { unread: data.user.unreadNotificationCount, nodes: data.user.notifications.edges.map((e) => e.node) };
}

const ofType = (user: SignedUpUser, type: string) => notificationsOf(user).then((n) => n.nodes.filter((node) => node.type === type));

interface EmailRow {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  status: string;
  next_attempt_at: Date;
  source_key: string;
}

const emailsTo = (user: SignedUpUser) =>
  adminRows<EmailRow>(stack.database.adminUrl, "SELECT * FROM identity.email_outbox WHERE to_address = $1 AND source_key LIKE 'community.notification:%' ORDER BY created_at", [user.email]);

/** A session through the API, a week ahead (or as given), on a free course. */
async function scheduleSession(startsInHours = 24 * 7 + sessionsMade++): Promise<string> {
  const startsAt = new Date(Date.now() + startsInHours * 3_600_000);
  startsAt.setUTCSeconds(0, 0);
  const data = await as<{ scheduleTrainingSession: { id: string } }>(stack, organizer, SCHEDULE, {
    input: {
      courseId,
      trainerId,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      capacity: 20,
      onlineJoinUrl: 'https://meet.example.test/session',
    },
  });
  return data.scheduleTrainingSession.id;
}

const register = async (user: SignedUpUser, sessionId: string) =>
  (await as<{ registerForSession: { id: string; status: string } }>(stack, user, REGISTER, { sessionId })).registerForSession;

/** Publishes in one transaction on the producer's own role, as the producer does. */
const publish = (database: Database<any>, schema: string, type: string, aggregateId: string, payload: unknown) =>
  database.db.transaction().execute((trx) => appendEvent(trx, schema, { type, aggregateId, payload }));

const scalar = async (url: string, text: string, values: unknown[] = []) => Number((await adminRows<{ n: string }>(url, text, values))[0]!.n);

/** Waits until a consumer's checkpoint has passed every event of its source's outbox now there. */
async function caughtUp(consumer: string, source: string): Promise<void> {
  const last = await adminRows<{ tx_id: string; id: string }>(stack.database.adminUrl, `SELECT tx_id::text, id::text FROM ${source}.outbox ORDER BY tx_id DESC, id DESC LIMIT 1`);
  if (!last[0]) return;
  const { tx_id: tx, id } = last[0];
  await until(
    () => adminRows<{ ok: boolean }>(stack.database.adminUrl, `SELECT (tx_id, last_id) >= ($2::xid8, $3::bigint) AS ok FROM community.event_checkpoints WHERE consumer = $1
       UNION ALL SELECT (tx_id, last_id) >= ($2::xid8, $3::bigint) FROM identity.event_checkpoints WHERE consumer = $1`, [consumer, tx, id]),
    (rows) => rows[0]?.ok === true,
    `${consumer} to pass the end of ${source}.outbox`,
  );
}

/**
 * Opens `user`'s notificationAdded and waits until it is live: a helper adds the user to new
 * group rooms until one of those notifications arrives.
 */
async function liveNotifications(user: SignedUpUser) {
  const client = wsClient(stack.gateway.url, user);
  const feed = collect<NotificationNode>(client, 'subscription { notificationAdded { id type title body priority actionUrl } }', {}, (d) => d.notificationAdded as NotificationNode);
  for (let attempt = 0; feed.events.length === 0; attempt++) {
    if (attempt > 200) throw new Error('notificationAdded never went live');
    await as(stack, organizer, `mutation($ids: [ID!]!) { createChatRoom(input: { name: "Warm-up", kind: GROUP, memberIds: $ids }) { id } }`, { ids: [user.id] });
    await delay(50);
  }
  return { client, feed, warmUps: feed.events.length };
}

beforeAll(async () => {
  stack = await startStack({ notifications: { reminderIntervalMs: 200, seatHoldWarningMinutes: 5 } });
  scheduling = createDatabase<any>({ connectionString: stack.database.urlFor('academy_scheduling'), poolSize: 1 });
  learning = createDatabase<any>({ connectionString: stack.database.urlFor('academy_learning'), poolSize: 1 });
  commerce = createDatabase<any>({ connectionString: stack.database.urlFor('academy_commerce'), poolSize: 1 });
  organizer = await signUpWithRoles(stack, 'Organizer', ['ORGANIZER']);
  trainerUser = await signUpWithRoles(stack, 'Trainer', ['TRAINER']);
  learner = await signUpWithRoles(stack, 'Learner', ['LEARNER']);
  quietLearner = await signUpWithRoles(stack, 'Quiet', ['LEARNER']);
  choosyLearner = await signUpWithRoles(stack, 'Choosy', ['LEARNER']);
  await withAdmin(stack.database.adminUrl, (db) => insertRows(db, 'scheduling.trainers', [{ id: trainerId, user_id: trainerUser.id }]));
}, 90_000);

afterAll(async () => {
  await scheduling?.close();
  await learning?.close();
  await commerce?.close();
  await stack?.stop();
});

describe('a booking confirmed in scheduling', () => {
  let sessionId: string;
  let registrationId: string;

  it('tells the registrant once, live and in the list, and identity queues one e-mail with an unsubscribe link', async () => {
    const { client, feed, warmUps } = await liveNotifications(learner);
    try {
      sessionId = await scheduleSession();
      const registration = await register(learner, sessionId);
      expect(registration.status).toBe('CONFIRMED');
      registrationId = registration.id;

      await feed.waitFor(warmUps + 1);
      const added = feed.events.slice(warmUps);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ type: 'BOOKING_CONFIRMED', title: 'Your booking is confirmed', priority: 'MEDIUM', actionUrl: `/sessions/${sessionId}` });
      const booked = await ofType(learner, 'BOOKING_CONFIRMED');
      expect(booked.map((n) => n.id)).toEqual([added[0]!.id]);

      const emails = await until(() => emailsTo(learner), (rows) => rows.length > 0, 'the e-mail');
      expect(emails).toHaveLength(1);
      expect(emails[0]!.source_key).toBe(`community.notification:${added[0]!.id}`);
      expect(emails[0]!.subject).toBe('Your booking is confirmed');
      expect(emails[0]!.text_body).toMatch(/To stop them: http:\/\/localhost:4000\/notifications\/unsubscribe\?token=[\w-]+\.[\w-]{43}\n/);
      // Sent by identity's mail worker (to the stack's mail directory).
      await until(() => emailsTo(learner), (rows) => rows[0]!.status === 'sent', 'the e-mail to be sent');
    } finally {
      feed.stop();
      await client.dispose();
    }
  }, 60_000);

  it('puts the registrant and the trainer (as MODERATOR) in the session room', async () => {
    const data = await as<{ trainingSession: { chatRoom: { kind: string; archivedAt: string | null; session: { id: string }; members: { user: { id: string }; role: string }[] } } }>(
      stack,
      learner,
      SESSION_ROOM,
      { id: sessionId },
    );
    const room = data.trainingSession.chatRoom;
    expect(room).toMatchObject({ kind: 'SESSION', archivedAt: null, session: { id: sessionId } });
    expect(room.members.map((m) => [m.user.id, m.role]).sort()).toEqual([[learner.id, 'MEMBER'], [trainerUser.id, 'MODERATOR']].sort());
  });

  it('plans one reminder 24 hours before the session', async () => {
    const reminders = await adminRows<{ kind: string; due_at: Date; status: string }>(
      stack.database.adminUrl,
      'SELECT kind, due_at, status FROM community.reminders WHERE registration_id = $1',
      [registrationId],
    );
    const [session] = await adminRows<{ starts_at: Date }>(stack.database.adminUrl, 'SELECT starts_at FROM scheduling.training_sessions WHERE id = $1', [sessionId]);
    expect(reminders).toEqual([{ kind: 'SESSION_REMINDER', due_at: new Date(session!.starts_at.getTime() - 24 * 3_600_000), status: 'PENDING' }]);
  });

  it('is still one notification, one e-mail and one reminder when every event is delivered again', async () => {
    await caughtUp('community.scheduling', 'scheduling');
    await caughtUp('identity.community', 'community');
    // Both consumers start over from the beginning of their sources, their records of handled
    // events gone: only the dedupe keys stand between the events and a second delivery.
    await withAdmin(stack.database.adminUrl, async (db) => {
      await db.query("UPDATE community.event_checkpoints SET tx_id = '0', last_id = 0 WHERE consumer = 'community.scheduling'");
      await db.query("DELETE FROM community.processed_events WHERE consumer = 'community.scheduling'");
      await db.query("UPDATE identity.event_checkpoints SET tx_id = '0', last_id = 0 WHERE consumer = 'identity.community'");
      await db.query("DELETE FROM identity.processed_events WHERE consumer = 'identity.community'");
    });
    // New consumer instances (as after a restart) read the reset checkpoints and replay everything.
    const communityDb = createDatabase<CommunityDatabase>({ connectionString: stack.database.urlFor('academy_community'), poolSize: 2 });
    const identityDb = createDatabase<any>({ connectionString: stack.database.urlFor('academy_identity'), poolSize: 2 });
    try {
      const logger = createLogger('error');
      const settings = { links: new LinkTokens(communityDb.db), publicApiUrl: 'http://localhost:4000', appUrl: 'http://localhost:3000', holdWarningMinutes: 5, reminderLeadHours: 24 };
      await createSchedulingEventConsumer({ db: communityDb.db, settings, live: null, logger }).drain();
      await createCommunityEventConsumer({ db: identityDb.db, logger }).drain();
    } finally {
      await communityDb.close();
      await identityDb.close();
    }
    const replayed = await scalar(stack.database.adminUrl, "SELECT count(*) AS n FROM community.processed_events WHERE consumer = 'community.scheduling'");
    expect(replayed).toBe(await scalar(stack.database.adminUrl, 'SELECT count(*) AS n FROM scheduling.outbox'));
    expect(await scalar(stack.database.adminUrl, "SELECT count(*) AS n FROM identity.processed_events WHERE consumer = 'identity.community'")).toBeGreaterThan(0);
    expect(await ofType(learner, 'BOOKING_CONFIRMED')).toHaveLength(1);
    expect(await emailsTo(learner)).toHaveLength(1);
    expect(await scalar(stack.database.adminUrl, 'SELECT count(*) AS n FROM community.reminders WHERE registration_id = $1', [registrationId])).toBe(1);
    expect(await scalar(stack.database.adminUrl, 'SELECT count(*) AS n FROM community.chat_room_members m JOIN community.chat_rooms r ON r.id = m.room_id WHERE r.session_id = $1', [sessionId])).toBe(2);
  }, 60_000);

  it('follows the link in the e-mail without signing in: that kind of e-mail is off; a forged or missing token changes nothing', async () => {
    const [email] = await emailsTo(learner);
    const token = /token=([\w-]+\.[\w-]+)/.exec(email!.text_body)![1]!;
    const origin = new URL(stack.gateway.url).origin;
    const follow = (t: string | null) => fetch(`${origin}/notifications/unsubscribe${t === null ? '' : `?token=${encodeURIComponent(t)}`}`);

    const [body, mac] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const otherKind = Buffer.from(JSON.stringify({ ...claims, k: 'SESSION_REMINDER' })).toString('base64url');
    const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
    for (const forged of [`${otherKind}.${mac}`, `${body}.${flipped}`, 'not-a-token', null]) {
      const response = await follow(forged);
      expect(response.status).toBe(400);
      await response.text();
    }
    const before = await as<{ notificationPreferences: { kinds: { kind: string; email: boolean }[] } }>(stack, learner, PREFERENCES);
    expect(before.notificationPreferences.kinds.filter((k) => !k.email).map((k) => k.kind)).toEqual(['ENROLLMENT_CREATED', 'CHAT_ROOM_MEMBER_ADDED']);

    const response = await follow(token);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You will no longer receive e-mails about confirmed bookings.');
    // Twice is harmless.
    expect((await follow(token)).status).toBe(200);
    const after = await as<{ notificationPreferences: { kinds: { kind: string; inApp: boolean; email: boolean }[] } }>(stack, learner, PREFERENCES);
    expect(after.notificationPreferences.kinds.find((k) => k.kind === 'BOOKING_CONFIRMED')).toEqual({ kind: 'BOOKING_CONFIRMED', inApp: true, email: false });
    expect(after.notificationPreferences.kinds.find((k) => k.kind === 'SESSION_REMINDER')).toMatchObject({ email: true });

    // The next booking is told in the app only.
    const next = await scheduleSession();
    await register(learner, next);
    await until(() => ofType(learner, 'BOOKING_CONFIRMED'), (rows) => rows.length === 2, 'the second booking notification');
    await caughtUp('community.scheduling', 'scheduling');
    await caughtUp('identity.community', 'community');
    expect(await emailsTo(learner)).toHaveLength(1);
  }, 60_000);

  it('delivers the reminder once when it falls due', async () => {
    await withAdmin(stack.database.adminUrl, (db) => db.query("UPDATE community.reminders SET due_at = now() - interval '1 minute' WHERE registration_id = $1", [registrationId]));
    const reminders = await until(() => ofType(learner, 'SESSION_REMINDER'), (rows) => rows.length > 0, 'the reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.actionUrl).toBe(`/sessions/${sessionId}`);
    const [row] = await adminRows<{ status: string; notification_id: string }>(stack.database.adminUrl, 'SELECT status, notification_id FROM community.reminders WHERE registration_id = $1', [registrationId]);
    expect(row).toEqual({ status: 'SENT', notification_id: reminders[0]!.id });
    // Due again (as if a process had not recorded it): the dedupe key keeps it to one.
    await withAdmin(stack.database.adminUrl, (db) => db.query("UPDATE community.reminders SET status = 'PENDING' WHERE registration_id = $1", [registrationId]));
    await until(
      () => adminRows<{ status: string }>(stack.database.adminUrl, 'SELECT status FROM community.reminders WHERE registration_id = $1', [registrationId]),
      (rows) => rows[0]!.status === 'SENT',
      'the reminder to be taken again',
    );
    expect(await ofType(learner, 'SESSION_REMINDER')).toHaveLength(1);
    // E-mailed as well (that kind's e-mails are on).
    await caughtUp('identity.community', 'community');
    expect((await emailsTo(learner)).map((e) => e.subject)).toEqual(['Your booking is confirmed', 'Your training session starts soon']);
  }, 60_000);
});

describe('preferences', () => {
  it('hold an e-mail made in quiet hours back until they end, while the notification is in the app at once', async () => {
    const timeZone = 'Asia/Tokyo';
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
    const pad = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const quietHours = { start: pad(hour - 1), end: pad(hour + 2), timeZone };
    const saved = await as<{ updateNotificationPreferences: { quietHours: unknown } }>(stack, quietLearner, UPDATE_PREFERENCES, { input: { quietHours } });
    expect(saved.updateNotificationPreferences.quietHours).toEqual(quietHours);

    const before = Date.now();
    await register(quietLearner, await scheduleSession());
    expect(await until(() => ofType(quietLearner, 'BOOKING_CONFIRMED'), (rows) => rows.length === 1, 'the notification')).toHaveLength(1);
    const [email] = await until(() => emailsTo(quietLearner), (rows) => rows.length === 1, 'the held e-mail');
    // Due when the quiet hours end: on the hour, local time, more than an hour from now.
    const due = email!.next_attempt_at;
    expect(due.getTime()).toBeGreaterThan(before + 3_600_000 - 60_000);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(due)).toBe(quietHours.end);
    expect(email!.status).toBe('pending');
  }, 60_000);

  it('turn a kind off in the app or by e-mail, and refuse bad input naming the field', async () => {
    const changed = await as<{ updateNotificationPreferences: { kinds: { kind: string; inApp: boolean; email: boolean }[] } }>(stack, choosyLearner, UPDATE_PREFERENCES, {
      input: { kinds: [{ kind: 'BOOKING_CONFIRMED', inApp: false }, { kind: 'SESSION_CANCELLED', email: false }] },
    });
    expect(changed.updateNotificationPreferences.kinds.slice(0, 3)).toEqual([
      { kind: 'BOOKING_CONFIRMED', inApp: false, email: true },
      { kind: 'SEAT_HOLD_EXPIRING', inApp: true, email: true },
      { kind: 'SESSION_CANCELLED', inApp: true, email: false },
    ]);
    const sessionId = await scheduleSession();
    await register(choosyLearner, sessionId);
    // Not in the app, but e-mailed.
    const [email] = await until(() => emailsTo(choosyLearner), (rows) => rows.length === 1, 'the e-mail');
    expect(email!.subject).toBe('Your booking is confirmed');
    expect(await notificationsOf(choosyLearner)).toEqual({ unread: 0, nodes: [] });

    // Cancelled: told in the app, not by e-mail.
    await as(stack, organizer, CANCEL_SESSION, { id: sessionId, reason: 'The trainer is ill.' });
    const [cancelled] = await until(() => ofType(choosyLearner, 'SESSION_CANCELLED'), (rows) => rows.length === 1, 'the cancellation');
    expect(cancelled).toMatchObject({ priority: 'URGENT', body: expect.stringContaining('Reason: The trainer is ill.') });
    await caughtUp('community.scheduling', 'scheduling');
    await caughtUp('identity.community', 'community');
    expect(await emailsTo(choosyLearner)).toHaveLength(1);

    const refused = [
      [{ quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } }, 'input.quietHours.timeZone'],
      [{ quietHours: { start: '24:00', end: '07:00', timeZone: 'UTC' } }, 'input.quietHours.start'],
      [{ quietHours: { start: '07:00', end: '07:00', timeZone: 'UTC' } }, 'input.quietHours.end'],
      [{ kinds: [{ kind: 'BOOKING_CONFIRMED', email: true }, { kind: 'BOOKING_CONFIRMED', inApp: true }] }, 'input.kinds.1.kind'],
    ] as const;
    for (const [input, field] of refused) {
      const { body } = await send(choosyLearner, UPDATE_PREFERENCES, { input });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect((await send(null, PREFERENCES)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }, 60_000);
});

describe('session rooms', () => {
  it('follow registrations: a cancelled registrant leaves, a cancelled session archives the room and tells each registrant once', async () => {
    const other = await signUpWithRoles(stack, 'Other', ['LEARNER']);
    const sessionId = await scheduleSession();
    const mine = await register(learner, sessionId);
    await register(other, sessionId);
    const membersOf = async () =>
      (await adminRows<{ user_id: string; role: string }>(stack.database.adminUrl, 'SELECT m.user_id, m.role FROM community.chat_room_members m JOIN community.chat_rooms r ON r.id = m.room_id WHERE r.session_id = $1 ORDER BY m.role, m.user_id', [sessionId]))
        .map((m) => `${m.role}:${m.user_id}`)
        .sort();
    const all = [`MEMBER:${learner.id}`, `MEMBER:${other.id}`, `MODERATOR:${trainerUser.id}`].sort();
    await until(membersOf, (members) => members.length === 3, 'both registrants in the room');
    expect(await membersOf()).toEqual(all);

    await as(stack, learner, CANCEL_REGISTRATION, { id: mine.id });
    await until(membersOf, (members) => members.length === 2, 'the cancelled registrant to leave');
    expect(await membersOf()).toEqual([`MEMBER:${other.id}`, `MODERATOR:${trainerUser.id}`].sort());
    const asLearner = await as<{ trainingSession: { chatRoom: unknown } }>(stack, learner, SESSION_ROOM, { id: sessionId });
    expect(asLearner.trainingSession.chatRoom).toBeNull();
    expect(await scalar(stack.database.adminUrl, "SELECT count(*) AS n FROM community.reminders WHERE registration_id = $1 AND status = 'CANCELLED'", [mine.id])).toBe(1);

    await as(stack, organizer, CANCEL_SESSION, { id: sessionId, reason: 'Venue flooded.' });
    const told = await until(() => ofType(other, 'SESSION_CANCELLED'), (rows) => rows.length > 0, 'the cancellation notice');
    expect(told).toHaveLength(1);
    await caughtUp('community.scheduling', 'scheduling');
    // The learner who had cancelled is not told; the remaining registrant still reads the archived room.
    expect((await ofType(learner, 'SESSION_CANCELLED')).length).toBe(0);
    const room = await as<{ trainingSession: { chatRoom: { archivedAt: string | null } } }>(stack, other, SESSION_ROOM, { id: sessionId });
    expect(room.trainingSession.chatRoom.archivedAt).not.toBeNull();
    expect(await scalar(stack.database.adminUrl, "SELECT count(*) AS n FROM community.reminders WHERE session_id = $1 AND status = 'PENDING'", [sessionId])).toBe(0);
  }, 60_000);
});

describe('notifications of other domains', () => {
  it('warn of a seat hold about to lapse, unless the seat was confirmed first', async () => {
    const user = await signUpWithRoles(stack, 'Holder', ['LEARNER']);
    const sessionId = await scheduleSession();
    const lapsing = uuid();
    const paid = uuid();
    const held = (registrationId: string, minutes: number) =>
      publish(scheduling, 'scheduling', 'RegistrationHeld', registrationId, {
        registrationId, sessionId, userId: user.id, courseId, holdExpiresAt: new Date(Date.now() + minutes * 60_000).toISOString(), at: new Date().toISOString(),
      });
    // Paid for at once: its warning (due in 25 minutes) is dropped.
    await held(paid, 30);
    await publish(scheduling, 'scheduling', 'RegistrationConfirmed', paid, { registrationId: paid, sessionId, userId: user.id, courseId, status: 'CONFIRMED', at: new Date().toISOString(), orderId: uuid(), referredByUserId: null });
    // Lapses in 4 minutes: the 5-minute warning is due now.
    await held(lapsing, 4);
    const [warning] = await until(() => ofType(user, 'SEAT_HOLD_EXPIRING'), (rows) => rows.length > 0, 'the warning');
    expect(warning).toMatchObject({ priority: 'HIGH', title: 'Your held seat is about to be released' });
    expect(
      await adminRows(stack.database.adminUrl, 'SELECT registration_id, status FROM community.reminders WHERE kind = $1 AND registration_id = ANY($2::uuid[]) ORDER BY status', [
        'SEAT_HOLD_EXPIRING',
        [lapsing, paid],
      ]),
    ).toEqual([
      { registration_id: paid, status: 'CANCELLED' },
      { registration_id: lapsing, status: 'SENT' },
    ]);
  }, 60_000);

  it('tell of certificates, new enrollments and refund decisions', async () => {
    const user = await signUpWithRoles(stack, 'Customer', ['LEARNER']);
    const certificateId = uuid();
    await publish(learning, 'learning', 'CertificateIssued', certificateId, {
      certificateId, number: 'ACD-2026-000777', enrollmentId: uuid(), userId: user.id, courseId, issuedAt: new Date().toISOString(), expiresAt: null,
    });
    const enrollmentId = uuid();
    await publish(learning, 'learning', 'EnrollmentCreated', enrollmentId, {
      enrollmentId, userId: user.id, courseId, enrolledAt: new Date().toISOString(), source: 'FREE', orderId: null, reactivated: false,
    });
    const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
    for (const approved of [true, false]) {
      const refundId = uuid();
      await publish(commerce, 'commerce', 'RefundDecided', refundId, {
        refundId, orderId: uuid(), reference: approved ? 'ORD-1' : 'ORD-2', userId: user.id, approved, amount: gbp(7500), fee: gbp(500), net: gbp(7000), decidedAt: new Date().toISOString(),
      });
    }
    const all = await until(() => notificationsOf(user), (n) => n.nodes.length === 4 && n.unread === 4, 'four notifications');
    expect(all.unread).toBe(4);
    expect(all.nodes.map((n) => [n.type, n.title]).sort()).toEqual(
      [
        ['CERTIFICATE_ISSUED', 'Your certificate ACD-2026-000777 is ready'],
        ['ENROLLMENT_CREATED', 'Welcome to your new course'],
        ['REFUND_DECIDED', 'Your refund for order ORD-1 was approved'],
        ['REFUND_DECIDED', 'Your refund for order ORD-2 was declined'],
      ].sort(),
    );
    expect(all.nodes.find((n) => n.title.includes('ORD-1'))!.body).toBe('£70.00 will be paid back (£75.00 less a fee of £5.00).');
    // E-mail by default for certificates and refunds, not for enrollments.
    await caughtUp('identity.community', 'community');
    await until(() => emailsTo(user), (rows) => rows.length === 3, 'three e-mails');
    expect((await emailsTo(user)).map((e) => e.subject).sort()).toEqual(
      ['Your certificate ACD-2026-000777 is ready', 'Your refund for order ORD-1 was approved', 'Your refund for order ORD-2 was declined'].sort(),
    );
  }, 60_000);
});

describe('a community process killed part-way through a batch of bookings', () => {
  const REGISTRATIONS = 150;
  /** The registration whose copy row is held locked, to stop the consumer there (inside its second batch of 100). */
  const HELD_AT = 120;
  let database: TestDatabase;
  const children: ChildProcess[] = [];
  const sessionId = uuid();
  const trainer = uuid();
  const registrations = Array.from({ length: REGISTRATIONS }, () => ({ registrationId: uuid(), userId: uuid() }));
  const startsAt = new Date(Date.now() + 30 * 3_600_000);

  const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

  /** community's index.ts as a process of its own on the test database: its consumers and reminder job start with it. */
  function startCommunity(): ChildProcess {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'subgraphs/community/src/index.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.urlFor('academy_community'),
        GATEWAY_SECRET: randomBytes(32).toString('base64url'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        REMINDER_INTERVAL_SECONDS: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  }
  const kill = async (child: ChildProcess) => {
    child.kill('SIGKILL');
    await new Promise((resolve) => (alive(child) ? child.once('exit', resolve) : resolve(null)));
  };

  const count = (text: string, values: unknown[] = []) => scalar(database.adminUrl, text, values);
  const processed = () => count("SELECT count(*) AS n FROM community.processed_events WHERE consumer = 'community.scheduling'");

  beforeAll(async () => {
    database = await createTestDatabase();
    const producer = createDatabase<any>({ connectionString: database.urlFor('academy_scheduling'), poolSize: 1 });
    try {
      await producer.db.transaction().execute(async (trx) => {
        await appendEvent(trx, 'scheduling', {
          type: 'TrainingSessionScheduled',
          aggregateId: sessionId,
          payload: { sessionId, courseId, trainerUserId: trainer, venueId: null, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), capacity: REGISTRATIONS },
        });
        for (const { registrationId, userId } of registrations) {
          await appendEvent(trx, 'scheduling', {
            type: 'RegistrationConfirmed',
            aggregateId: registrationId,
            payload: { registrationId, sessionId, userId, courseId, status: 'CONFIRMED', at: new Date().toISOString(), orderId: null, referredByUserId: null },
          });
        }
      });
    } finally {
      await producer.close();
    }
    const held = registrations[HELD_AT - 1]!;
    await withAdmin(database.adminUrl, (db) =>
      insertRows(db, 'community.session_registrations', [{ registration_id: held.registrationId, session_id: sessionId, user_id: held.userId, course_id: courseId, status: 'HELD' }]),
    );
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (alive(child)) child.kill('SIGKILL');
    await database?.drop();
  });

  it('tells each registrant once, requests one e-mail each and plans one reminder each, after a SIGKILL and a restart', async () => {
    const holder = new pg.Client({ connectionString: database.adminUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM community.session_registrations WHERE registration_id = $1 FOR UPDATE', [registrations[HELD_AT - 1]!.registrationId]);
      const killed = startCommunity();
      // The session's event and the registrations before the held one.
      const reached = await until(processed, (n) => n >= HELD_AT, 'the consumer to reach the held registration');
      expect(reached).toBe(HELD_AT);
      await kill(killed);
      // Killed mid-batch: the checkpoint is still at the end of the first batch of 100.
      expect(await count("SELECT last_id AS n FROM community.event_checkpoints WHERE consumer = 'community.scheduling'")).toBe(
        await count('SELECT id AS n FROM scheduling.outbox ORDER BY tx_id, id OFFSET 99 LIMIT 1'),
      );
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }

    const restarted = startCommunity();
    await until(processed, (n) => n === REGISTRATIONS + 1, 'every event to be processed');
    await until(() => count("SELECT count(*) AS n FROM community.notifications WHERE type = 'BOOKING_CONFIRMED'"), (n) => n === REGISTRATIONS, 'every notification');
    expect(await count("SELECT count(DISTINCT data->>'registrationId') AS n FROM community.notifications WHERE type = 'BOOKING_CONFIRMED'")).toBe(REGISTRATIONS);
    expect(await count("SELECT count(*) AS n FROM community.outbox WHERE type = 'NotificationEmailRequested'")).toBe(REGISTRATIONS);
    expect(await count("SELECT count(DISTINCT aggregate_id) AS n FROM community.outbox WHERE type = 'NotificationEmailRequested'")).toBe(REGISTRATIONS);
    expect(await count("SELECT count(*) AS n FROM community.reminders WHERE kind = 'SESSION_REMINDER' AND status = 'PENDING' AND due_at = $1", [new Date(startsAt.getTime() - 24 * 3_600_000)])).toBe(REGISTRATIONS);
    expect(await count('SELECT count(*) AS n FROM community.chat_room_members m JOIN community.chat_rooms r ON r.id = m.room_id WHERE r.session_id = $1', [sessionId])).toBe(REGISTRATIONS + 1);
    await kill(restarted);

    // The reminders fall due while no process runs; two processes started at once deliver each once.
    await withAdmin(database.adminUrl, (db) => db.query("UPDATE community.reminders SET due_at = now() - interval '1 minute'"));
    startCommunity();
    startCommunity();
    await until(() => count("SELECT count(*) AS n FROM community.reminders WHERE status = 'SENT'"), (n) => n === REGISTRATIONS, 'every reminder to be sent');
    expect(await count("SELECT count(*) AS n FROM community.notifications WHERE type = 'SESSION_REMINDER'")).toBe(REGISTRATIONS);
    expect(await count("SELECT count(DISTINCT user_id) AS n FROM community.notifications WHERE type = 'SESSION_REMINDER'")).toBe(REGISTRATIONS);
    expect(await count("SELECT count(*) AS n FROM community.outbox WHERE type = 'NotificationEmailRequested'")).toBe(2 * REGISTRATIONS);
  }, 180_000);
});
