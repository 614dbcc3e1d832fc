import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpUser, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

const SCHEDULE = /* GraphQL */ `
  mutation Schedule($input: ScheduleSessionInput!) {
    scheduleTrainingSession(input: $input) { id status startsAt endsAt capacity venue { id } trainer { id } course { id } topics { name topic { id } } }
  }
`;
const CANCEL = /* GraphQL */ `
  mutation Cancel($id: ID!, $reason: String!) { cancelTrainingSession(id: $id, reason: $reason) { id status cancelledAt cancellationReason } }
`;
const CREATE_VENUE = /* GraphQL */ `
  mutation Venue($input: CreateVenueInput!) { createVenue(input: $input) { id name capacity facilities } }
`;
const CREATE_TRAINER = /* GraphQL */ `
  mutation Trainer($userId: ID!, $input: TrainerProfileInput!) {
    createTrainerProfile(userId: $userId, input: $input) { id isActive qualificationExpiresAt qualifications { name expiresAt } user { id } }
  }
`;
const CREATE_EVENT = /* GraphQL */ `
  mutation Event($input: CreateEventInput!) { createEvent(input: $input) { id slug name status organizer { id } venue { name } } }
`;

type Body<T> = { data?: T; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };

let stack: TestStack;
let admin: SignedUpUser;
let organizer: SignedUpUser;
let learner: SignedUpUser;
let venueId: string;
let otherVenueId: string;
let trainerId: string;
let otherTrainerId: string;
let trainerUser: SignedUpUser;
const course = uuid();
/** A start time `days` from now, on a whole hour so that sessions line up. */
const at = (days: number, hours = 0) => new Date(Math.ceil(Date.now() / HOUR) * HOUR + days * DAY + hours * HOUR);

async function send<T>(user: SignedUpUser | null, query: string, variables?: Record<string, unknown>): Promise<Body<T>> {
  const headers: Record<string, string> = user ? { authorization: `Bearer ${user.accessToken}` } : {};
  return (await stack.query<T>(query, variables, headers)).body;
}
const codeOf = (body: Body<unknown>) => body.errors?.[0]?.extensions?.code;
const fieldOf = (body: Body<unknown>) => body.errors?.[0]?.extensions?.field;

function session(overrides: Record<string, unknown>) {
  return { courseId: course, trainerId, venueId, startsAt: at(10), endsAt: at(10, 3), capacity: 10, ...overrides };
}

beforeAll(async () => {
  stack = await startStack();
  [admin, organizer, learner, trainerUser] = await Promise.all([
    signUpWithRoles(stack, 'Admin', ['ADMIN']),
    signUpWithRoles(stack, 'Organizer', ['ORGANIZER']),
    signUpUser(stack, 'Learner'),
    signUpWithRoles(stack, 'Trainer', ['TRAINER']),
  ]);
  const venues = await Promise.all(
    ['Leeds City Centre Training Venue', 'York Conference Centre'].map((name) =>
      as<{ createVenue: { id: string } }>(stack, organizer, CREATE_VENUE, { input: { name, capacity: 20, facilities: ['Projector'] } }),
    ),
  );
  [venueId, otherVenueId] = venues.map((v) => v.createVenue.id) as [string, string];
  const other = await signUpUser(stack, 'Second');
  const created = await Promise.all(
    [trainerUser, other].map((u) => as<{ createTrainerProfile: { id: string } }>(stack, admin, CREATE_TRAINER, { userId: u.id, input: { specializations: ['First aid'] } })),
  );
  [trainerId, otherTrainerId] = created.map((t) => t.createTrainerProfile.id) as [string, string];
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describe('venues and trainers', () => {
  it('lets ADMIN and ORGANIZER add venues, with unique names and checked input', async () => {
    expect(codeOf(await send(null, CREATE_VENUE, { input: { name: 'Anonymous Hall' } }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await send(learner, CREATE_VENUE, { input: { name: 'Learner Hall' } }))).toBe('FORBIDDEN');
    expect(codeOf(await send(admin, CREATE_VENUE, { input: { name: 'York Conference Centre' } }))).toBe('CONFLICT');
    const bad = await send(admin, CREATE_VENUE, { input: { name: 'Tiny Room', capacity: 0 } });
    expect([codeOf(bad), fieldOf(bad)]).toEqual(['BAD_USER_INPUT', 'input.capacity']);
    const { venues } = await as<{ venues: { name: string }[] }>(stack, learner, '{ venues { name } }');
    expect(venues.map((v) => v.name)).toEqual(['Leeds City Centre Training Venue', 'York Conference Centre']);
  });

  it('lets ADMIN alone create one trainer profile per user, with qualifications shown to the trainer', async () => {
    const user = await signUpUser(stack, 'Medic');
    const input = {
      bio: 'Former paramedic.',
      qualificationExpiresAt: at(400).toISOString(),
      qualifications: [
        { name: 'Level 3 Award in Education and Training', issuedAt: '2020-01-10T00:00:00Z' },
        { name: 'First Aid at Work instructor', issuedAt: '2024-02-01T00:00:00Z', expiresAt: at(400).toISOString() },
      ],
    };
    expect(codeOf(await send(organizer, CREATE_TRAINER, { userId: user.id, input }))).toBe('FORBIDDEN');
    const { createTrainerProfile } = await as<{ createTrainerProfile: { id: string; qualifications: { name: string; expiresAt: string | null }[] } }>(
      stack, admin, CREATE_TRAINER, { userId: user.id, input },
    );
    // Soonest to lapse first; one that never lapses last.
    expect(createTrainerProfile.qualifications.map((q) => q.name)).toEqual(['First Aid at Work instructor', 'Level 3 Award in Education and Training']);
    expect(codeOf(await send(admin, CREATE_TRAINER, { userId: user.id, input: {} }))).toBe('CONFLICT');
    const badDates = await send(admin, CREATE_TRAINER, {
      userId: uuid(),
      input: { qualifications: [{ name: 'Backwards', issuedAt: '2024-01-01T00:00:00Z', expiresAt: '2023-01-01T00:00:00Z' }] },
    });
    expect([codeOf(badDates), fieldOf(badDates)]).toEqual(['BAD_USER_INPUT', 'input.qualifications.0.expiresAt']);

    const PROFILE = 'query($id: ID!) { user(id: $id) { trainerProfile { id bio } } }';
    const own = await as<{ user: { trainerProfile: { id: string } | null } }>(stack, user, PROFILE, { id: user.id });
    expect(own.user.trainerProfile).toEqual({ id: createTrainerProfile.id, bio: 'Former paramedic.' });
    const seenByAdmin = await as<{ user: { trainerProfile: { id: string } | null } }>(stack, admin, PROFILE, { id: user.id });
    expect(seenByAdmin.user.trainerProfile?.id).toBe(createTrainerProfile.id);
    const seenByOther = await as<{ user: { trainerProfile: unknown } }>(stack, learner, PROFILE, { id: user.id });
    expect(seenByOther.user.trainerProfile).toBeNull();
  });
});

describe('scheduling sessions', () => {
  it('refuses what the contract rules out, naming the field', async () => {
    const lapsing = await signUpUser(stack, 'Lapsing');
    const { createTrainerProfile: expiring } = await as<{ createTrainerProfile: { id: string } }>(stack, admin, CREATE_TRAINER, {
      userId: lapsing.id, input: { qualificationExpiresAt: at(10, 1).toISOString() },
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ startsAt: at(-1), endsAt: at(-1, 2) }, 'input.startsAt'],
      [{ endsAt: at(9) }, 'input.endsAt'],
      [{ capacity: 21 }, 'input.capacity'],
      [{ capacity: 0 }, 'input.capacity'],
      [{ venueId: null }, 'input.onlineJoinUrl'],
      [{ venueId: null, onlineJoinUrl: 'ftp://example.test/x' }, 'input.onlineJoinUrl'],
      [{ trainerId: uuid() }, 'input.trainerId'],
      [{ trainerId: expiring.id }, 'input.trainerId'],
      [{ venueId: uuid() }, 'input.venueId'],
      [{ courseId: 'not-an-id' }, 'input.courseId'],
    ];
    for (const [overrides, field] of cases) {
      const body = await send(organizer, SCHEDULE, { input: session(overrides) });
      expect([codeOf(body), fieldOf(body), overrides]).toEqual(['BAD_USER_INPUT', field, overrides]);
    }
    expect(codeOf(await send(learner, SCHEDULE, { input: session({}) }))).toBe('FORBIDDEN');
    expect(codeOf(await send(null, SCHEDULE, { input: session({}) }))).toBe('UNAUTHENTICATED');
    const rows = await adminRows<{ n: string }>(stack.database.adminUrl, 'SELECT count(*) AS n FROM scheduling.training_sessions');
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('schedules a session with its topics and publishes TrainingSessionScheduled with it', async () => {
    const topicId = uuid();
    const { scheduleTrainingSession: s } = await as<{ scheduleTrainingSession: any }>(stack, organizer, SCHEDULE, {
      input: session({ startsAt: at(2), endsAt: at(2, 6), topics: ['CPR', 'Choking'], topicIds: [topicId] }),
    });
    expect(s).toMatchObject({
      status: 'SCHEDULED', capacity: 10, venue: { id: venueId }, trainer: { id: trainerId }, course: { id: course },
      topics: [{ name: 'CPR', topic: null }, { name: 'Choking', topic: null }, { name: null, topic: { id: topicId } }],
    });
    const events = await adminRows<{ type: string; aggregate_id: string; payload: Record<string, unknown> }>(
      stack.database.adminUrl, "SELECT type, aggregate_id, payload FROM scheduling.outbox WHERE aggregate_id = $1", [s.id],
    );
    expect(events).toEqual([{
      type: 'TrainingSessionScheduled', aggregate_id: s.id,
      payload: { sessionId: s.id, courseId: course, trainerUserId: trainerUser.id, venueId, startsAt: at(2).toISOString(), endsAt: at(2, 6).toISOString(), capacity: 10 },
    }]);
    const { venue } = await as<{ venue: { upcomingSessions: { id: string }[] } }>(stack, learner, 'query($id: ID!) { venue(id: $id) { upcomingSessions { id } } }', { id: venueId });
    expect(venue.upcomingSessions.map((x) => x.id)).toContain(s.id);
  });

  it('books a trainer once at a time, even for concurrent requests; back to back is fine', async () => {
    // Online sessions: only the trainer is shared.
    const online = (startsAt: Date, endsAt: Date) => session({ venueId: null, onlineJoinUrl: 'https://meet.example.test/a', startsAt, endsAt });
    // Each of the three overlaps the other two.
    const results = await Promise.all([
      send<{ scheduleTrainingSession: { id: string } }>(organizer, SCHEDULE, { input: online(at(20), at(20, 3)) }),
      send<{ scheduleTrainingSession: { id: string } }>(admin, SCHEDULE, { input: online(at(20, 2), at(20, 4)) }),
      send<{ scheduleTrainingSession: { id: string } }>(organizer, SCHEDULE, { input: online(at(20, 1), at(20, 3)) }),
    ]);
    const succeeded = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors);
    expect(succeeded).toHaveLength(1);
    expect(refused.map(codeOf)).toEqual(['CONFLICT', 'CONFLICT']);
    for (const r of refused) expect(r.errors![0]!.message).toMatch(/trainer/);
    const kept = await adminRows<{ starts_at: Date; ends_at: Date }>(
      stack.database.adminUrl, "SELECT starts_at, ends_at FROM scheduling.training_sessions WHERE trainer_id = $1 AND starts_at >= $2", [trainerId, at(19)],
    );
    expect(kept).toHaveLength(1);
    // [starts, ends): a session that starts when the other ends does not overlap it.
    const next = await send(organizer, SCHEDULE, { input: online(kept[0]!.ends_at, new Date(kept[0]!.ends_at.getTime() + HOUR)) });
    expect(next.errors).toBeUndefined();
    const before = await send(organizer, SCHEDULE, { input: online(new Date(kept[0]!.starts_at.getTime() - HOUR), kept[0]!.starts_at) });
    expect(before.errors).toBeUndefined();
  });

  it('books a venue once at a time, even for concurrent requests, and a cancelled session frees the slot', async () => {
    const [a, b] = await Promise.all([
      send<{ scheduleTrainingSession: { id: string } }>(organizer, SCHEDULE, { input: session({ venueId: otherVenueId, startsAt: at(30), endsAt: at(30, 6) }) }),
      send<{ scheduleTrainingSession: { id: string } }>(admin, SCHEDULE, { input: session({ venueId: otherVenueId, trainerId: otherTrainerId, startsAt: at(30, 5), endsAt: at(30, 8) }) }),
    ]);
    const winner = [a, b].find((r) => !r.errors)!;
    const loser = [a, b].find((r) => r.errors)!;
    expect(winner).toBeDefined();
    expect(codeOf(loser)).toBe('CONFLICT');
    // The two have different trainers: only the venue clashes.
    expect(loser.errors![0]!.message).toMatch(/venue/);
    const solo = await send(admin, SCHEDULE, { input: session({ venueId: otherVenueId, trainerId: otherTrainerId, startsAt: at(31), endsAt: at(31, 2) }) });
    expect(solo.errors).toBeUndefined();
    const clash = await send(admin, SCHEDULE, { input: session({ venueId: otherVenueId, startsAt: at(31, 1), endsAt: at(31, 3) }) });
    expect(codeOf(clash)).toBe('CONFLICT');
    expect(clash.errors![0]!.message).toMatch(/venue/);
    expect(fieldOf(clash)).toBe('input.venueId');

    const id = winner.data!.scheduleTrainingSession.id;
    expect(codeOf(await send(learner, CANCEL, { id, reason: 'Trainer unwell' }))).toBe('FORBIDDEN');
    const { cancelTrainingSession } = await as<{ cancelTrainingSession: any }>(stack, organizer, CANCEL, { id, reason: 'Trainer unwell' });
    expect(cancelTrainingSession).toMatchObject({ id, status: 'CANCELLED', cancellationReason: 'Trainer unwell', cancelledAt: expect.any(String) });
    expect(codeOf(await send(organizer, CANCEL, { id, reason: 'Again' }))).toBe('CONFLICT');
    const retry = await send(admin, SCHEDULE, { input: session({ venueId: otherVenueId, trainerId: otherTrainerId, startsAt: at(30, 5), endsAt: at(30, 8) }) });
    expect(retry.errors).toBeUndefined();
    const events = await adminRows<{ type: string; payload: Record<string, unknown> }>(
      stack.database.adminUrl, 'SELECT type, payload FROM scheduling.outbox WHERE aggregate_id = $1 ORDER BY id', [id],
    );
    expect(events.map((e) => e.type)).toEqual(['TrainingSessionScheduled', 'TrainingSessionCancelled']);
    expect(events[1]!.payload).toEqual({ sessionId: id, courseId: course, reason: 'Trainer unwell', cancelledAt: cancelTrainingSession.cancelledAt });
    const { venue } = await as<{ venue: { upcomingSessions: { id: string }[] } }>(stack, learner, 'query($id: ID!) { venue(id: $id) { upcomingSessions(first: 50) { id } } }', { id: otherVenueId });
    expect(venue.upcomingSessions.map((s) => s.id)).not.toContain(id);
  });

  it('refuses to cancel a finished session, and an unknown one', async () => {
    const past = uuid();
    await withAdmin(stack.database.adminUrl, (db) =>
      insertRows(db, 'scheduling.training_sessions', [{ id: past, course_id: course, starts_at: at(-3), ends_at: at(-3, 2), capacity: 5, status: 'COMPLETED' }]),
    );
    expect(codeOf(await send(admin, CANCEL, { id: past, reason: 'Too late' }))).toBe('CONFLICT');
    expect(codeOf(await send(admin, CANCEL, { id: uuid(), reason: 'Nothing' }))).toBe('NOT_FOUND');
    const bad = await send(admin, CANCEL, { id: past, reason: '  ' });
    expect([codeOf(bad), fieldOf(bad)]).toEqual(['BAD_USER_INPUT', 'reason']);
    const rows = await adminRows<{ n: string }>(stack.database.adminUrl, "SELECT count(*) AS n FROM scheduling.outbox WHERE aggregate_id = $1", [past]);
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

describe('finding sessions', () => {
  const pageCourse = uuid();
  beforeAll(async () => {
    for (let k = 0; k < 5; k++) {
      await as(stack, organizer, SCHEDULE, {
        input: session({ courseId: pageCourse, trainerId: otherTrainerId, venueId: null, onlineJoinUrl: 'https://meet.example.test/p', startsAt: at(40 + k), endsAt: at(40 + k, 1) }),
      });
    }
  });

  it('pages by start time with an exact total, and filters by course, trainer, time window and status', async () => {
    const QUERY = `query($f: TrainingSessionFilter, $after: String) { trainingSessions(first: 2, after: $after, filter: $f) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { startsAt } } } }`;
    type Page = { trainingSessions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { startsAt: string } }[] } };
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = await as<Page>(stack, learner, QUERY, { f: { courseId: pageCourse }, after });
      expect(page.trainingSessions.totalCount).toBe(5);
      seen.push(...page.trainingSessions.edges.map((e) => e.node.startsAt));
      if (!page.trainingSessions.pageInfo.hasNextPage) break;
      after = page.trainingSessions.pageInfo.endCursor;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4].map((k) => at(40 + k).toISOString()));
    const count = async (f: Record<string, unknown>) => (await as<Page>(stack, learner, QUERY, { f })).trainingSessions.totalCount;
    // [from, to) on the start.
    expect(await count({ courseId: pageCourse, from: at(41), to: at(43) })).toBe(2);
    expect(await count({ courseId: pageCourse, trainerId: otherTrainerId, status: 'SCHEDULED', hasSeats: true })).toBe(5);
    expect(await count({ courseId: pageCourse, status: 'CANCELLED' })).toBe(0);
    const bad = await send(learner, QUERY, { f: { from: at(43), to: at(41) } });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });
});

describe('events', () => {
  it('lets ADMIN and ORGANIZER announce events with unique slugs, listed soonest first', async () => {
    const input = { name: 'First Aid Open Day', description: 'Try CPR on a manikin.', startsAt: at(50), endsAt: at(50, 6), venueId };
    expect(codeOf(await send(learner, CREATE_EVENT, { input }))).toBe('FORBIDDEN');
    const first = await as<{ createEvent: any }>(stack, organizer, CREATE_EVENT, { input });
    expect(first.createEvent).toMatchObject({ slug: 'first-aid-open-day', status: 'SCHEDULED', organizer: { id: organizer.id }, venue: { name: 'Leeds City Centre Training Venue' } });
    const [second, third] = await Promise.all([
      as<{ createEvent: { slug: string } }>(stack, organizer, CREATE_EVENT, { input: { ...input, startsAt: at(45), endsAt: at(45, 2) } }),
      as<{ createEvent: { slug: string } }>(stack, admin, CREATE_EVENT, { input: { ...input, startsAt: at(46), endsAt: at(46, 2) } }),
    ]);
    expect([second.createEvent.slug, third.createEvent.slug].sort()).toEqual(['first-aid-open-day-2', 'first-aid-open-day-3']);
    expect(codeOf(await send(admin, CREATE_EVENT, { input: { ...input, slug: 'first-aid-open-day' } }))).toBe('CONFLICT');
    const bad = await send(admin, CREATE_EVENT, { input: { ...input, endsAt: at(49) } });
    expect([codeOf(bad), fieldOf(bad)]).toEqual(['BAD_USER_INPUT', 'input.endsAt']);
    await withAdmin(stack.database.adminUrl, (db) =>
      insertRows(db, 'scheduling.events', [{ slug: 'last-years-conference', name: 'Last year', starts_at: at(-300), ends_at: at(-299), organizer_id: organizer.id }]),
    );

    const { events } = await as<{ events: { slug: string; startsAt: string }[] }>(stack, learner, '{ events { slug startsAt } }');
    expect(events).toHaveLength(3);
    expect(events.map((e) => e.startsAt)).toEqual([at(45), at(46), at(50)].map((d) => d.toISOString()));
    const all = await as<{ events: { slug: string }[] }>(stack, learner, '{ events(upcomingOnly: false) { slug } }');
    expect(all.events[0]!.slug).toBe('last-years-conference');
    const { event } = await as<{ event: any }>(stack, learner, 'query($slug: String!) { event(slug: $slug) { name description organizer { displayName } } }', { slug: 'first-aid-open-day' });
    expect(event).toEqual({ name: 'First Aid Open Day', description: 'Try CPR on a manikin.', organizer: { displayName: organizer.displayName } });
    expect((await as<{ event: unknown }>(stack, learner, '{ event(slug: "no-such-event") { id } }')).event).toBeNull();
  });
});
