import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const SET_HOURS = /* GraphQL */ `
  mutation Hours($trainerId: ID!, $timeZone: String!, $hours: [WorkingHoursInput!]!) {
    setTrainerWorkingHours(trainerId: $trainerId, timeZone: $timeZone, hours: $hours) { timeZone workingHours { weekday startTime endTime } }
  }
`;
const AVAILABILITY = /* GraphQL */ `
  query Free($trainerId: ID!, $from: DateTime!, $to: DateTime!) { trainerAvailability(trainerId: $trainerId, from: $from, to: $to) { startsAt endsAt } }
`;
const BOOK = /* GraphQL */ `
  mutation Book($trainerId: ID!, $startsAt: DateTime!, $durationMinutes: Int!) {
    bookCoachingSession(trainerId: $trainerId, startsAt: $startsAt, durationMinutes: $durationMinutes) {
      id startsAt endsAt status meetingUrl coach { id } learner { id }
    }
  }
`;
const CANCEL = /* GraphQL */ `mutation Cancel($id: ID!) { cancelCoachingSession(id: $id) { id status } }`;
const FEEDBACK = /* GraphQL */ `
  mutation Rate($sessionId: ID!, $rating: Int!, $comment: String) { submitSessionFeedback(sessionId: $sessionId, rating: $rating, comment: $comment) }
`;
const MY_SESSIONS = /* GraphQL */ `
  query Mine($upcomingOnly: Boolean) { me { coachingSessions(upcomingOnly: $upcomingOnly) { id status meetingUrl startsAt coach { id } } } }
`;

const EVERY_DAY = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map((weekday) => ({
  weekday,
  startTime: '09:00',
  endTime: '17:00',
}));
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let stack: TestStack;
let coach: SignedUpUser;
let otherCoach: SignedUpUser;
let ada: SignedUpUser;
let bob: SignedUpUser;
let admin: SignedUpUser;
const coachTrainer = uuid();
const otherTrainer = uuid();
const idleTrainer = uuid();

/** Local wall-clock time of an instant in Europe/London, "HH:MM". */
const londonTime = (instant: string | Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));

/** The instant of local time `hour`:00 in Europe/London, `days` days from today. */
function londonAt(days: number, hour: number): Date {
  const base = new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY + hour * HOUR);
  const shown = Number(londonTime(base).slice(0, 2));
  return new Date(base.getTime() - (shown - hour) * HOUR);
}

/** The last Sunday of `month` (0-based) in `year`, at 00:00 UTC. */
function lastSunday(year: number, month: number): Date {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return new Date(last.getTime() - last.getUTCDay() * DAY);
}

/** The error code of a request expected to fail. */
async function codeOf(user: SignedUpUser | null, query: string, variables: Record<string, unknown>) {
  const { body } = await stack.query(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {});
  expect(body.errors).toBeDefined();
  return { code: body.errors![0]!.extensions?.code, field: (body.errors![0]!.extensions as { field?: string } | undefined)?.field };
}

const book = (user: SignedUpUser, trainerId: string, startsAt: Date, durationMinutes = 60) =>
  stack.query<{ bookCoachingSession: { id: string; status: string; meetingUrl: string | null } }>(
    BOOK,
    { trainerId, startsAt: startsAt.toISOString(), durationMinutes },
    { authorization: `Bearer ${user.accessToken}` },
  );

beforeAll(async () => {
  stack = await startStack();
  coach = await signUpWithRoles(stack, 'Coach', ['LEARNER', 'TRAINER']);
  otherCoach = await signUpWithRoles(stack, 'Othercoach', ['LEARNER', 'TRAINER']);
  ada = await signUpUser(stack, 'Ada');
  bob = await signUpUser(stack, 'Bob');
  admin = await signUpWithRoles(stack, 'Admin', ['LEARNER', 'ADMIN']);
  const idleUser = await signUpUser(stack, 'Idle');
  await withAdmin(stack.database.adminUrl, (db) =>
    insertRows(db, 'scheduling.trainers', [
      { id: coachTrainer, user_id: coach.id, is_active: true },
      { id: otherTrainer, user_id: otherCoach.id, is_active: true },
      { id: idleTrainer, user_id: idleUser.id, is_active: false },
    ]),
  );
  await as(stack, coach, SET_HOURS, { trainerId: coachTrainer, timeZone: 'Europe/London', hours: EVERY_DAY });
  await as(stack, admin, SET_HOURS, { trainerId: otherTrainer, timeZone: 'Europe/London', hours: EVERY_DAY });
  await as(stack, admin, SET_HOURS, { trainerId: idleTrainer, timeZone: 'Europe/London', hours: EVERY_DAY });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('working hours', () => {
  it('are set by the trainer themself or ADMIN, in a known time zone, without overlapping spans', async () => {
    const set = (user: SignedUpUser, variables: Record<string, unknown>) => codeOf(user, SET_HOURS, { trainerId: coachTrainer, timeZone: 'Europe/London', hours: EVERY_DAY, ...variables });
    expect(await set(ada, {})).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(await set(coach, { timeZone: 'Mars/Olympus_Mons' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' });
    expect(await set(coach, { hours: [{ weekday: 'MONDAY', startTime: '9am', endTime: '17:00' }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'hours[0].startTime' });
    expect(await set(coach, { hours: [{ weekday: 'MONDAY', startTime: '12:00', endTime: '11:00' }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'hours[0].endTime' });
    const overlapping = [{ weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' }, { weekday: 'MONDAY', startTime: '11:00', endTime: '13:00' }];
    expect(await set(coach, { hours: overlapping })).toMatchObject({ code: 'BAD_USER_INPUT' });
    const { setTrainerWorkingHours } = await as<{ setTrainerWorkingHours: { timeZone: string; workingHours: unknown[] } }>(stack, coach, SET_HOURS, {
      trainerId: coachTrainer,
      timeZone: 'Europe/London',
      hours: EVERY_DAY,
    });
    expect(setTrainerWorkingHours.timeZone).toBe('Europe/London');
    expect(setTrainerWorkingHours.workingHours).toHaveLength(7);
    expect(setTrainerWorkingHours.workingHours[0]).toEqual({ weekday: 'MONDAY', startTime: '09:00', endTime: '17:00' });
  });
});

describe('trainerAvailability', () => {
  const free = async (trainerId: string, from: Date, to: Date) =>
    (await stack.query<{ trainerAvailability: { startsAt: string; endsAt: string }[] }>(AVAILABILITY, { trainerId, from: from.toISOString(), to: to.toISOString() }))
      .body;

  it.each([
    ['March', 2],
    ['October', 9],
  ])('keeps 09:00 to 17:00 local through the week of the last Sunday of %s in Europe/London', async (_, month) => {
    const sunday = lastSunday(new Date().getUTCFullYear() + 1, month);
    const from = new Date(sunday.getTime() - 3 * DAY);
    const body = await free(coachTrainer, from, new Date(from.getTime() + 7 * DAY));
    expect(body.errors).toBeUndefined();
    const slots = body.data!.trainerAvailability;
    expect(slots).toHaveLength(7);
    for (const slot of slots) expect([londonTime(slot.startsAt), londonTime(slot.endsAt)]).toEqual(['09:00', '17:00']);
    // The UTC hours move by one across the change: the local ones do not.
    expect(new Set(slots.map((s) => new Date(s.startsAt).getUTCHours())).size).toBe(2);
  });

  it('is public, refuses backwards ranges and ranges over 31 days, and is empty for an inactive trainer', async () => {
    const from = londonAt(2, 0);
    expect((await free(coachTrainer, from, from)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await free(coachTrainer, from, new Date(from.getTime() + 32 * DAY))).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await free(uuid(), from, new Date(from.getTime() + DAY))).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await free(idleTrainer, from, new Date(from.getTime() + DAY))).data?.trainerAvailability).toEqual([]);
  });

  it("leaves out the coach's bookings and training sessions, clipped to the range and merged", async () => {
    const day = 3;
    await withAdmin(stack.database.adminUrl, (db) =>
      insertRows(db, 'scheduling.training_sessions', [
        { course_id: uuid(), trainer_id: otherTrainer, starts_at: londonAt(day, 14), ends_at: londonAt(day, 15), capacity: 10, status: 'SCHEDULED' },
        { course_id: uuid(), trainer_id: otherTrainer, starts_at: londonAt(day, 9), ends_at: londonAt(day, 10), capacity: 10, status: 'CANCELLED' },
      ]),
    );
    const booked = await book(bob, otherTrainer, londonAt(day, 11), 30);
    expect(booked.body.errors).toBeUndefined();
    const body = await free(otherTrainer, londonAt(day, 10), londonAt(day, 23));
    expect(body.data!.trainerAvailability.map((s) => [londonTime(s.startsAt), londonTime(s.endsAt)])).toEqual([
      ['10:00', '11:00'],
      ['11:30', '14:00'],
      ['15:00', '17:00'],
    ]);
    // A booking at the time of the training session is refused as taken.
    expect((await book(ada, otherTrainer, londonAt(day, 14), 30)).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('bookCoachingSession', () => {
  it('refuses what cannot be booked with BAD_USER_INPUT naming the field, and unknown trainers with NOT_FOUND', async () => {
    const at = londonAt(4, 10);
    const code = async (user: SignedUpUser, vars: Record<string, unknown>) =>
      codeOf(user, BOOK, { trainerId: coachTrainer, startsAt: at.toISOString(), durationMinutes: 60, ...vars });
    expect(await code(ada, { durationMinutes: 20 })).toEqual({ code: 'BAD_USER_INPUT', field: 'durationMinutes' });
    expect(await code(ada, { durationMinutes: 255 })).toEqual({ code: 'BAD_USER_INPUT', field: 'durationMinutes' });
    expect(await code(ada, { startsAt: new Date(at.getTime() + 5 * 60_000).toISOString() })).toEqual({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    expect(await code(ada, { startsAt: londonAt(-1, 10).toISOString() })).toEqual({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    expect(await code(ada, { startsAt: londonAt(4, 20).toISOString() })).toEqual({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    expect(await code(ada, { startsAt: londonAt(4, 16).toISOString(), durationMinutes: 90 })).toEqual({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    expect(await code(coach, {})).toEqual({ code: 'BAD_USER_INPUT', field: 'trainerId' });
    expect(await code(ada, { trainerId: idleTrainer })).toEqual({ code: 'BAD_USER_INPUT', field: 'trainerId' });
    expect((await code(ada, { trainerId: uuid() })).code).toBe('NOT_FOUND');
    const anonymous = await stack.query(BOOK, { trainerId: coachTrainer, startsAt: at.toISOString(), durationMinutes: 60 });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await adminRows(stack.database.adminUrl, 'SELECT 1 FROM scheduling.coaching_sessions WHERE trainer_id = $1', [coachTrainer])).toEqual([]);
  });

  it('books a slot, shows the room to coach and learner only, and publishes CoachingSessionBooked with the booking', async () => {
    const at = londonAt(5, 10);
    const { body } = await book(ada, coachTrainer, at, 45);
    expect(body.errors).toBeUndefined();
    const session = body.data!.bookCoachingSession;
    expect(session).toMatchObject({ status: 'BOOKED', coach: { id: coachTrainer }, learner: { id: ada.id } });
    expect(session.meetingUrl).toMatch(/^https:\/\/meet\.academy\.example\/coaching\/[A-Za-z0-9_-]{24}$/);

    const mine = await as<{ me: { coachingSessions: { id: string; meetingUrl: string | null }[] } }>(stack, ada, MY_SESSIONS, {});
    expect(mine.me.coachingSessions.map((s) => s.id)).toContain(session.id);
    const coaching = await as<{ me: { coachingSessions: { id: string; meetingUrl: string | null }[] } }>(stack, coach, MY_SESSIONS, {});
    expect(coaching.me.coachingSessions.find((s) => s.id === session.id)?.meetingUrl).toBe(session.meetingUrl);
    // Nobody else lists them: not another user, not ADMIN.
    const others = await as<{ user: { coachingSessions: unknown[] } }>(stack, admin, `query($id: ID!) { user(id: $id) { coachingSessions { id } } }`, { id: ada.id });
    expect(others.user.coachingSessions).toEqual([]);

    const events = await adminRows<{ type: string; payload: Record<string, unknown> }>(
      stack.database.adminUrl,
      `SELECT type, payload FROM scheduling.outbox WHERE aggregate_id = $1 ORDER BY id`,
      [session.id],
    );
    expect(events).toEqual([
      {
        type: 'CoachingSessionBooked',
        payload: expect.objectContaining({ coachingSessionId: session.id, trainerId: coachTrainer, learnerId: ada.id, startsAt: at.toISOString() }),
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(session.meetingUrl!);

    // Taken: the coach is booked then; and Ada cannot be with another coach at the same time.
    expect((await book(bob, coachTrainer, new Date(at.getTime() + 30 * 60_000), 30)).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await book(ada, otherTrainer, at, 30)).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // Back to back is fine.
    expect((await book(bob, coachTrainer, new Date(at.getTime() + 45 * 60_000), 15)).body.errors).toBeUndefined();
  });

  it('lets exactly one of two concurrent overlapping bookings of a coach through, every time', async () => {
    for (let round = 0; round < 6; round++) {
      const start = londonAt(6, 9 + round);
      const results = await Promise.all([book(ada, coachTrainer, start, 60), book(bob, coachTrainer, new Date(start.getTime() + 30 * 60_000), 30)]);
      const codes = results.map((r) => r.body.errors?.[0]?.extensions?.code ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'OK']);
    }
    const rows = await adminRows<{ n: string }>(
      stack.database.adminUrl,
      `SELECT count(*) AS n FROM scheduling.coaching_sessions WHERE trainer_id = $1 AND status <> 'CANCELLED' AND starts_at >= $2 AND starts_at < $3`,
      [coachTrainer, londonAt(6, 0), londonAt(7, 0)],
    );
    expect(Number(rows[0]!.n)).toBe(6);
  });
});

describe('cancelCoachingSession', () => {
  it('is for the learner, the coach or ADMIN before the start; it frees the slot and publishes CoachingSessionCancelled once', async () => {
    const at = londonAt(8, 13);
    const { body } = await book(ada, coachTrainer, at, 60);
    const id = body.data!.bookCoachingSession.id;
    expect((await codeOf(bob, CANCEL, { id })).code).toBe('FORBIDDEN');
    expect((await codeOf(bob, CANCEL, { id: uuid() })).code).toBe('NOT_FOUND');
    expect((await book(bob, coachTrainer, at, 60)).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    expect((await as<{ cancelCoachingSession: { status: string } }>(stack, coach, CANCEL, { id })).cancelCoachingSession.status).toBe('CANCELLED');
    expect((await as<{ cancelCoachingSession: { status: string } }>(stack, ada, CANCEL, { id })).cancelCoachingSession.status).toBe('CANCELLED');
    const events = await adminRows<{ type: string; payload: { cancelledBy: string } }>(
      stack.database.adminUrl,
      `SELECT type, payload FROM scheduling.outbox WHERE aggregate_id = $1 ORDER BY id`,
      [id],
    );
    expect(events.map((e) => e.type)).toEqual(['CoachingSessionBooked', 'CoachingSessionCancelled']);
    expect(events[1]!.payload.cancelledBy).toBe(coach.id);
    // The slot is free again.
    expect((await book(bob, coachTrainer, at, 60)).body.errors).toBeUndefined();
    const upcoming = await as<{ me: { coachingSessions: { id: string }[] } }>(stack, ada, MY_SESSIONS, { upcomingOnly: true });
    expect(upcoming.me.coachingSessions.map((s) => s.id)).not.toContain(id);
    const all = await as<{ me: { coachingSessions: { id: string; status: string }[] } }>(stack, ada, MY_SESSIONS, { upcomingOnly: false });
    expect(all.me.coachingSessions.find((s) => s.id === id)?.status).toBe('CANCELLED');
  });

  it('refuses a session that has started with CONFLICT', async () => {
    const id = uuid();
    await withAdmin(stack.database.adminUrl, (db) =>
      insertRows(db, 'scheduling.coaching_sessions', [
        { id, trainer_id: coachTrainer, learner_id: ada.id, starts_at: new Date(Date.now() - 10 * 60_000), ends_at: new Date(Date.now() + 20 * 60_000), meeting_url: 'https://meet.example/x' },
      ]),
    );
    expect((await codeOf(admin, CANCEL, { id })).code).toBe('CONFLICT');
  });
});

describe('submitSessionFeedback', () => {
  const past = uuid();
  const future = uuid();
  const cancelled = uuid();

  beforeAll(async () => {
    const row = (id: string, days: number, extra: Record<string, unknown> = {}) => ({
      id,
      trainer_id: otherTrainer,
      learner_id: ada.id,
      starts_at: londonAt(days, 10),
      ends_at: londonAt(days, 11),
      meeting_url: `https://meet.example/${id}`,
      status: 'BOOKED',
      cancelled_at: null,
      ...extra,
    });
    await withAdmin(stack.database.adminUrl, (db) =>
      insertRows(db, 'scheduling.coaching_sessions', [
        row(past, -2),
        row(future, 9),
        row(cancelled, -3, { status: 'CANCELLED', cancelled_at: londonAt(-4, 10) }),
      ]),
    );
  });

  it("is the learner's, once, after the session ended; it keeps the coach's average exact", async () => {
    const rating = async () =>
      (await stack.query<{ trainer: { averageRating: number | null } }>(`query($id: ID!) { trainer(id: $id) { averageRating } }`, { id: otherTrainer })).body.data!.trainer
        .averageRating;
    expect(await rating()).toBeNull();
    expect((await codeOf(bob, FEEDBACK, { sessionId: past, rating: 4 })).code).toBe('FORBIDDEN');
    expect(await codeOf(ada, FEEDBACK, { sessionId: past, rating: 6 })).toEqual({ code: 'BAD_USER_INPUT', field: 'rating' });
    expect(await codeOf(ada, FEEDBACK, { sessionId: past, rating: 4, comment: 'x'.repeat(2001) })).toEqual({ code: 'BAD_USER_INPUT', field: 'comment' });
    expect((await codeOf(ada, FEEDBACK, { sessionId: uuid(), rating: 4 })).code).toBe('NOT_FOUND');
    expect((await codeOf(ada, FEEDBACK, { sessionId: future, rating: 4 })).code).toBe('CONFLICT');
    expect((await codeOf(ada, FEEDBACK, { sessionId: cancelled, rating: 4 })).code).toBe('CONFLICT');

    expect(await as(stack, ada, FEEDBACK, { sessionId: past, rating: 4, comment: 'Clear and kind.' })).toEqual({ submitSessionFeedback: true });
    expect((await codeOf(ada, FEEDBACK, { sessionId: past, rating: 1 })).code).toBe('CONFLICT');
    expect(await rating()).toBe(4);
    const [trainer] = await adminRows<{ rating_sum: number; rating_count: number }>(
      stack.database.adminUrl,
      'SELECT rating_sum, rating_count FROM scheduling.trainers WHERE id = $1',
      [otherTrainer],
    );
    expect(trainer).toEqual({ rating_sum: 4, rating_count: 1 });
    const all = await as<{ me: { coachingSessions: { id: string; status: string }[] } }>(stack, ada, MY_SESSIONS, { upcomingOnly: false });
    expect(all.me.coachingSessions.find((s) => s.id === past)?.status).toBe('COMPLETED');
  });

  it('stores feedback on exactly one kind of session', async () => {
    const attempt = adminRows(
      stack.database.adminUrl,
      `INSERT INTO scheduling.session_feedback (user_id, trainer_id, rating) VALUES ($1, $2, 3)`,
      [ada.id, otherTrainer],
    );
    await expect(attempt).rejects.toMatchObject({ code: '23514' });
  });
});

describe('training sessions and coaching of one trainer', () => {
  const SCHEDULE = /* GraphQL */ `mutation Schedule($input: ScheduleSessionInput!) { scheduleTrainingSession(input: $input) { id } }`;
  const schedule = (startsAt: Date, endsAt: Date) =>
    stack.query<{ scheduleTrainingSession: { id: string } }>(
      SCHEDULE,
      { input: { courseId: uuid(), trainerId: coachTrainer, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), capacity: 10, onlineJoinUrl: 'https://meet.example.com/academy/x' } },
      { authorization: `Bearer ${admin.accessToken}` },
    );
  const MINUTE = 60_000;

  it('refuse a training session over a booked coaching session with CONFLICT naming the trainer', async () => {
    const at = londonAt(12, 10);
    const booked = await book(ada, coachTrainer, at, 60);
    expect(booked.body.errors).toBeUndefined();
    const refused = await schedule(new Date(at.getTime() + 30 * MINUTE), new Date(at.getTime() + 2 * HOUR));
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.trainerId' });
    // Back to back is fine, and a cancelled booking stands in nobody's way.
    expect((await schedule(new Date(at.getTime() + HOUR), new Date(at.getTime() + 2 * HOUR))).body.errors).toBeUndefined();
    await as(stack, ada, CANCEL, { id: booked.body.data!.bookCoachingSession.id });
    expect((await schedule(new Date(at.getTime() - HOUR), new Date(at.getTime() + HOUR))).body.errors).toBeUndefined();
  });

  it('let exactly one of a training session and an overlapping coaching booking through when they race, every time', async () => {
    for (let round = 0; round < 6; round++) {
      const start = londonAt(13, 9 + round);
      const results = await Promise.all([schedule(start, new Date(start.getTime() + 45 * MINUTE)), book(bob, coachTrainer, new Date(start.getTime() + 15 * MINUTE), 30)]);
      const codes = results.map((r) => r.body.errors?.[0]?.extensions?.code ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'OK']);
    }
    // Six winners that day, and no training session overlaps a live coaching session of the coach.
    const [day] = await adminRows<{ training: string; coaching: string; overlaps: string }>(
      stack.database.adminUrl,
      `SELECT (SELECT count(*) FROM scheduling.training_sessions WHERE trainer_id = $1 AND status <> 'CANCELLED' AND starts_at >= $2 AND starts_at < $3) AS training,
              (SELECT count(*) FROM scheduling.coaching_sessions WHERE trainer_id = $1 AND status <> 'CANCELLED' AND starts_at >= $2 AND starts_at < $3) AS coaching,
              (SELECT count(*) FROM scheduling.training_sessions s JOIN scheduling.coaching_sessions c ON c.trainer_id = s.trainer_id
                 AND tstzrange(s.starts_at, s.ends_at) && tstzrange(c.starts_at, c.ends_at)
               WHERE s.trainer_id = $1 AND s.status <> 'CANCELLED' AND c.status <> 'CANCELLED') AS overlaps`,
      [coachTrainer, londonAt(13, 0), londonAt(14, 0)],
    );
    expect(Number(day!.training) + Number(day!.coaching)).toBe(6);
    expect(Number(day!.overlaps)).toBe(0);
  });
});

describe('time off', () => {
  const ADD = /* GraphQL */ `
    mutation Off($trainerId: ID!, $from: DateTime!, $to: DateTime!, $reason: String) {
      addTrainerTimeOff(trainerId: $trainerId, from: $from, to: $to, reason: $reason) { id startsAt endsAt reason trainer { id } }
    }
  `;
  const REMOVE = /* GraphQL */ `mutation Back($id: ID!) { removeTrainerTimeOff(id: $id) { id timeOff { id } } }`;
  const TIME_OFF = /* GraphQL */ `query Off($id: ID!) { trainer(id: $id) { timeOff { id startsAt endsAt reason } } }`;
  const free = async (from: Date, to: Date) =>
    (await stack.query<{ trainerAvailability: { startsAt: string; endsAt: string }[] }>(AVAILABILITY, { trainerId: coachTrainer, from: from.toISOString(), to: to.toISOString() }))
      .body.data!.trainerAvailability.map((s) => [londonTime(s.startsAt), londonTime(s.endsAt)]);
  const timeOffSeenBy = async (user: SignedUpUser | null) =>
    (await stack.query<{ trainer: { timeOff: { id: string; reason: string | null }[] } }>(TIME_OFF, { id: coachTrainer }, user ? { authorization: `Bearer ${user.accessToken}` } : {}))
      .body.data!.trainer.timeOff;

  it('is set by the trainer or ADMIN, leaves availability, cannot be booked, and is given back', async () => {
    const day = 15;
    const vars = (extra: Record<string, unknown> = {}) => ({ trainerId: coachTrainer, from: londonAt(day, 12).toISOString(), to: londonAt(day, 14).toISOString(), reason: 'Dentist', ...extra });
    expect(await codeOf(ada, ADD, vars())).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(await codeOf(coach, ADD, vars({ to: londonAt(day, 11).toISOString() }))).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await codeOf(coach, ADD, vars({ from: londonAt(-3, 9).toISOString(), to: londonAt(-2, 9).toISOString() }))).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await codeOf(coach, ADD, vars({ to: londonAt(day + 400, 14).toISOString() }))).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await codeOf(coach, ADD, vars({ reason: 'x'.repeat(501) }))).toEqual({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect((await codeOf(coach, ADD, vars({ trainerId: uuid() }))).code).toBe('NOT_FOUND');
    expect((await stack.query(ADD, vars())).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const { addTrainerTimeOff: off } = await as<{ addTrainerTimeOff: { id: string; startsAt: string; endsAt: string; reason: string; trainer: { id: string } } }>(stack, coach, ADD, vars());
    expect(off).toMatchObject({ startsAt: londonAt(day, 12).toISOString(), endsAt: londonAt(day, 14).toISOString(), reason: 'Dentist', trainer: { id: coachTrainer } });
    expect(await free(londonAt(day, 0), londonAt(day + 1, 0))).toEqual([['09:00', '12:00'], ['14:00', '17:00']]);
    // Booking into it is refused as outside availability; next to it is fine.
    expect(await codeOf(ada, BOOK, { trainerId: coachTrainer, startsAt: londonAt(day, 13).toISOString(), durationMinutes: 30 })).toEqual({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    expect(await codeOf(ada, BOOK, { trainerId: coachTrainer, startsAt: londonAt(day, 11).toISOString(), durationMinutes: 90 })).toEqual({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    expect((await book(ada, coachTrainer, londonAt(day, 11), 60)).body.errors).toBeUndefined();
    // Time off over a booked session is CONFLICT: the booking is cancelled first.
    expect((await codeOf(admin, ADD, vars({ from: londonAt(day, 10).toISOString(), to: londonAt(day, 12).toISOString() }))).code).toBe('CONFLICT');

    // The trainer and ADMIN see it, reason and all; nobody else does.
    expect(await timeOffSeenBy(coach)).toEqual([{ id: off.id, startsAt: off.startsAt, endsAt: off.endsAt, reason: 'Dentist' }]);
    expect((await timeOffSeenBy(admin)).map((t) => t.id)).toEqual([off.id]);
    expect(await timeOffSeenBy(ada)).toEqual([]);
    expect(await timeOffSeenBy(null)).toEqual([]);

    expect((await codeOf(ada, REMOVE, { id: off.id })).code).toBe('FORBIDDEN');
    expect(await as(stack, admin, REMOVE, { id: off.id })).toEqual({ removeTrainerTimeOff: { id: coachTrainer, timeOff: [] } });
    expect((await codeOf(coach, REMOVE, { id: off.id })).code).toBe('NOT_FOUND');
    expect(await free(londonAt(day, 0), londonAt(day + 1, 0))).toEqual([['09:00', '11:00'], ['12:00', '17:00']]);
    expect(await adminRows(stack.database.adminUrl, 'SELECT 1 FROM scheduling.trainer_time_off WHERE trainer_id = $1', [coachTrainer])).toEqual([]);
  });
});

describe('markCoachingNoShow', () => {
  const NO_SHOW = /* GraphQL */ `mutation Missed($id: ID!) { markCoachingNoShow(id: $id) { id status } }`;
  const started = uuid();
  const cancelled = uuid();

  beforeAll(async () => {
    const row = (id: string, startsAt: Date, extra: Record<string, unknown> = {}) => ({
      id, trainer_id: otherTrainer, learner_id: bob.id, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + HOUR), meeting_url: `https://meet.example/${id}`,
      status: 'BOOKED', cancelled_at: null, ...extra,
    });
    await withAdmin(stack.database.adminUrl, (db) =>
      insertRows(db, 'scheduling.coaching_sessions', [
        row(started, new Date(Date.now() - 40 * 60_000)),
        row(cancelled, new Date(Date.now() - 5 * HOUR), { status: 'CANCELLED', cancelled_at: new Date(Date.now() - 6 * HOUR) }),
      ]),
    );
  });

  it('is for the coach or ADMIN once the session has started; a repeat changes nothing', async () => {
    expect((await codeOf(bob, NO_SHOW, { id: started })).code).toBe('FORBIDDEN');
    expect((await codeOf(coach, NO_SHOW, { id: started })).code).toBe('FORBIDDEN');
    expect((await codeOf(otherCoach, NO_SHOW, { id: uuid() })).code).toBe('NOT_FOUND');
    expect((await codeOf(otherCoach, NO_SHOW, { id: cancelled })).code).toBe('CONFLICT');
    const future = await book(ada, otherTrainer, londonAt(17, 10), 30);
    expect((await codeOf(otherCoach, NO_SHOW, { id: future.body.data!.bookCoachingSession.id })).code).toBe('CONFLICT');

    expect(await as(stack, otherCoach, NO_SHOW, { id: started })).toEqual({ markCoachingNoShow: { id: started, status: 'NO_SHOW' } });
    expect(await as(stack, admin, NO_SHOW, { id: started })).toEqual({ markCoachingNoShow: { id: started, status: 'NO_SHOW' } });
    const [row] = await adminRows<{ status: string; no_show_by: string }>(stack.database.adminUrl, 'SELECT status, no_show_by FROM scheduling.coaching_sessions WHERE id = $1', [started]);
    expect(row).toEqual({ status: 'NO_SHOW', no_show_by: otherCoach.id });
    // The learner sees it, and cannot rate a session they missed.
    const all = await as<{ me: { coachingSessions: { id: string; status: string }[] } }>(stack, bob, MY_SESSIONS, { upcomingOnly: false });
    expect(all.me.coachingSessions.find((s) => s.id === started)?.status).toBe('NO_SHOW');
    expect((await codeOf(bob, FEEDBACK, { sessionId: started, rating: 5 })).code).toBe('CONFLICT');
  });
});
