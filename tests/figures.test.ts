// The analyst figures of learning, scheduling, commerce and community through the gateway: each
// withholds a bucket (or a course) of fewer distinct users than MIN_GROUP_SIZE, shows one at the
// minimum exactly, and cuts its buckets at local midnight in the time zone asked for.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertRows, uuid, withAdmin } from './support/fixtures.js';
import { as, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

const MIN_GROUP_SIZE = 3;

const ENROLLMENTS = /* GraphQL */ `
  query($range: TimeRange!, $granularity: Granularity!, $timeZone: String) {
    figure: enrollmentStats(range: $range, granularity: $granularity, timeZone: $timeZone) { metric total points { bucket value withheld } }
  }
`;
const ATTENDANCE = /* GraphQL */ `
  query($range: TimeRange!, $granularity: Granularity!, $timeZone: String) {
    figure: attendanceStats(range: $range, granularity: $granularity, timeZone: $timeZone) {
      sessions registrations attended noShows attendanceRate series { metric total points { bucket value withheld } }
    }
  }
`;
const REVENUE = /* GraphQL */ `
  query($range: TimeRange!, $granularity: Granularity!, $timeZone: String) {
    figure: revenueStats(range: $range, granularity: $granularity, currency: "EUR", timeZone: $timeZone) { metric total points { bucket value withheld } }
  }
`;
const REVENUE_BY_COURSE = /* GraphQL */ `
  query($range: TimeRange!) {
    revenueByCourse(range: $range, currency: "NOK", first: 10) { course { id } orders revenue { amountMinor currency } withheld }
  }
`;
const CHAT = /* GraphQL */ `
  query($range: TimeRange!, $granularity: Granularity!, $timeZone: String) {
    figure: chatActivity(range: $range, granularity: $granularity, timeZone: $timeZone) { metric total points { bucket value withheld } }
  }
`;
const POSTS = /* GraphQL */ `
  query($range: TimeRange!, $granularity: Granularity!, $timeZone: String) {
    figure: postActivity(range: $range, granularity: $granularity, timeZone: $timeZone) {
      posts { metric total points { bucket value withheld } }
      comments { total points { value withheld } }
      reactions { total points { value withheld } }
    }
  }
`;

/**
 * Who did something when, the same for every figure. In Europe/Berlin, 28 March 2021 is the day
 * clocks go forward (23 hours: 2021-03-27T23:00Z to 2021-03-28T22:00Z):
 * - Berlin 27 March: a1 twice and a2 — 3 things by 2 users, withheld;
 * - Berlin 28 March: b1 (23:30 UTC the day before), b2 twice, b3 — 4 things by 3 users, shown;
 * - Berlin 29 March: c1 (22:30 UTC on the 28th: 00:30 summer time, though 23:30 in winter time), c2, c3 — 3 by 3, shown.
 * In UTC the same are 4 by 3 users (27th), 4 by 3 (28th) and 2 by 2 (29th, withheld).
 */
const [a1, a2, b1, b2, b3, c1, c2, c3] = [uuid(), uuid(), uuid(), uuid(), uuid(), uuid(), uuid(), uuid()];
const HAPPENINGS: [user: string, at: string][] = [
  [a1, '2021-03-27T08:00:00Z'],
  [a1, '2021-03-27T09:00:00Z'],
  [a2, '2021-03-27T10:00:00Z'],
  [b1, '2021-03-27T23:30:00Z'],
  [b2, '2021-03-28T10:00:00Z'],
  [b2, '2021-03-28T11:00:00Z'],
  [b3, '2021-03-28T21:30:00Z'],
  [c1, '2021-03-28T22:30:00Z'],
  [c2, '2021-03-29T12:00:00Z'],
  [c3, '2021-03-29T20:00:00Z'],
];
const BERLIN = { range: { from: '2021-03-26T23:00:00Z', to: '2021-03-29T22:00:00Z' }, granularity: 'DAY', timeZone: 'Europe/Berlin' };
const UTC = { range: { from: '2021-03-27T00:00:00Z', to: '2021-03-30T00:00:00Z' }, granularity: 'DAY' };
const BERLIN_DAYS = ['2021-03-26T23:00:00.000Z', '2021-03-27T23:00:00.000Z', '2021-03-28T22:00:00.000Z'];
const UTC_DAYS = ['2021-03-27T00:00:00.000Z', '2021-03-28T00:00:00.000Z', '2021-03-29T00:00:00.000Z'];

/** A series' points from buckets and values, null meaning withheld. */
const points = (buckets: string[], values: (number | null)[]) =>
  values.map((value, i) => ({ bucket: buckets[i], value: value ?? 0, withheld: value === null }));

let stack: TestStack;
let analyst: SignedUpUser;
let learner: SignedUpUser;
const [courseShown, courseWithheld] = [uuid(), uuid()];
const REFERENCE_LETTERS = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
let references = 0;
const newReference = () => `BK-FGXR${REFERENCE_LETTERS[Math.floor(references / 32)]}${REFERENCE_LETTERS[references++ % 32]}`;

beforeAll(async () => {
  stack = await startStack({ minGroupSize: MIN_GROUP_SIZE });
  analyst = await signUpWithRoles(stack, 'Analyst', ['ANALYST']);
  learner = await signUpWithRoles(stack, 'Learner', ['LEARNER']);
  const trainer = uuid();
  const room = uuid();
  const post = uuid();
  const [d1, d2] = [uuid(), uuid()];
  await withAdmin(stack.database.adminUrl, async (db) => {
    // learning: one enrollment each, in a course of its own.
    const courses = HAPPENINGS.map(() => uuid());
    await insertRows(db, 'learning.courses', courses.map((id, i) => ({ id, slug: `figures-${i}`, title: `Figures ${i}`, level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', published_at: new Date() })));
    await insertRows(db, 'learning.enrollments', HAPPENINGS.map(([user, at], i) => ({ user_id: user, course_id: courses[i], status: 'ACTIVE', progress_percent: 0, enrolled_at: at })));

    // scheduling: a session starting at each moment, its user attended; no-shows d2 (Berlin
    // 27th, withheld) and d1 (Berlin 29th, shown).
    await insertRows(db, 'scheduling.trainers', [{ id: trainer, user_id: uuid() }]);
    const sessions = HAPPENINGS.map(([, at]) => ({ id: uuid(), startsAt: new Date(at) }));
    await insertRows(db, 'scheduling.training_sessions', sessions.map((s) => ({
      id: s.id, course_id: uuid(), trainer_id: trainer, starts_at: s.startsAt, ends_at: new Date(s.startsAt.getTime() + 1_800_000), status: 'COMPLETED', capacity: 10,
    })));
    await insertRows(db, 'scheduling.registrations', [
      ...HAPPENINGS.map(([user], i) => ({ session_id: sessions[i]!.id, user_id: user, status: 'ATTENDED', check_in_code: uuid() })),
      { session_id: sessions[0]!.id, user_id: d2, status: 'NO_SHOW', check_in_code: uuid() },
      { session_id: sessions[8]!.id, user_id: d1, status: 'NO_SHOW', check_in_code: uuid() },
      // Cancelled seats are nobody's: they neither count nor make a group.
      { session_id: sessions[9]!.id, user_id: uuid(), status: 'CANCELLED', check_in_code: uuid() },
    ]);

    // commerce: an order of 100 paid at each moment (EUR); for revenueByCourse (NOK), one course
    // bought by three customers, another, worth more, by two.
    await insertRows(db, 'commerce.orders', HAPPENINGS.map(([user, at]) => ({
      id: uuid(), reference: newReference(), user_id: user, status: 'PAID', currency: 'EUR', subtotal_minor: 100, discount_minor: 0, total_minor: 100, paid_at: at, created_at: at,
    })));
    const byCourse = [
      ...[a1, a2, b1].map((user) => ({ user, course: courseShown, amount: 1_000 })),
      ...[b2, b3].map((user) => ({ user, course: courseWithheld, amount: 50_000 })),
    ].map((line) => ({ ...line, order: uuid() }));
    await insertRows(db, 'commerce.orders', byCourse.map((line) => ({
      id: line.order, reference: newReference(), user_id: line.user, status: 'PAID', currency: 'NOK', subtotal_minor: line.amount, discount_minor: 0, total_minor: line.amount, paid_at: '2022-05-10T12:00:00Z', created_at: '2022-05-10T11:59:00Z',
    })));
    await insertRows(db, 'commerce.order_items', byCourse.map((line) => ({
      id: uuid(), order_id: line.order, position: 1, kind: 'COURSE_ACCESS', description: 'Course access', quantity: 1, unit_price_minor: line.amount, total_minor: line.amount, currency: 'NOK', course_id: line.course,
    })));

    // community: a message and a post at each moment; one commenter (withheld) and three reactors.
    await insertRows(db, 'community.chat_rooms', [{ id: room, name: 'Figures', kind: 'GROUP', last_sequence: HAPPENINGS.length }]);
    await insertRows(db, 'community.chat_messages', HAPPENINGS.map(([user, at], i) => ({ room_id: room, sequence: i + 1, sender_id: user, content: `m${i}`, sent_at: at })));
    await insertRows(db, 'community.posts', HAPPENINGS.map(([user, at], i) => ({ id: i === 0 ? post : uuid(), author_id: user, content: `p${i}`, visibility: 'PUBLIC', created_at: at })));
    await insertRows(db, 'community.post_comments', [
      { post_id: post, author_id: b2, content: 'first', created_at: '2021-03-28T12:00:00Z' },
      { post_id: post, author_id: b2, content: 'second', created_at: '2021-03-28T13:00:00Z' },
      { post_id: post, author_id: b2, content: 'third', created_at: '2021-03-28T14:00:00Z' },
    ]);
    await insertRows(db, 'community.post_reactions', [c1, c2, c3].map((user) => ({ post_id: post, user_id: user, kind: 'LIKE', reacted_at: '2021-03-29T15:00:00Z' })));
  });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

type Series = { metric: string; total: number; points: { bucket: string; value: number; withheld: boolean }[] };
const figure = async <T>(query: string, variables: Record<string, unknown>) => (await as<{ figure: T }>(stack, analyst, query, variables)).figure;

describe('analyst figures withhold small groups and cut days at local midnight', () => {
  it('enrollmentStats: by distinct learners, in UTC and in Europe/Berlin across the spring-forward day', async () => {
    expect(await figure<Series>(ENROLLMENTS, UTC)).toEqual({ metric: 'enrollments', total: 8, points: points(UTC_DAYS, [4, 4, null]) });
    expect(await figure<Series>(ENROLLMENTS, BERLIN)).toEqual({ metric: 'enrollments', total: 7, points: points(BERLIN_DAYS, [null, 4, 3]) });
  });

  it('attendanceStats: a withheld bucket adds nothing to any figure, the rate included', async () => {
    expect(await figure(ATTENDANCE, UTC)).toEqual({
      sessions: 8,
      registrations: 9,
      attended: 8,
      noShows: 1,
      attendanceRate: 8 / 9,
      series: { metric: 'attended', total: 8, points: points(UTC_DAYS, [4, 4, null]) },
    });
    expect(await figure(ATTENDANCE, BERLIN)).toEqual({
      sessions: 7,
      registrations: 8,
      attended: 7,
      noShows: 1,
      attendanceRate: 7 / 8,
      series: { metric: 'attended', total: 7, points: points(BERLIN_DAYS, [null, 4, 3]) },
    });
  });

  it('revenueStats: by distinct paying customers', async () => {
    expect(await figure<Series>(REVENUE, UTC)).toEqual({ metric: 'revenue:EUR', total: 800, points: points(UTC_DAYS, [400, 400, null]) });
    expect(await figure<Series>(REVENUE, BERLIN)).toEqual({ metric: 'revenue:EUR', total: 700, points: points(BERLIN_DAYS, [null, 400, 300]) });
  });

  it('revenueByCourse: a course of too few customers is 0, flagged, and ranked after every shown course', async () => {
    const { revenueByCourse } = await as<{ revenueByCourse: unknown[] }>(stack, analyst, REVENUE_BY_COURSE, { range: { from: '2022-05-01T00:00:00Z', to: '2022-06-01T00:00:00Z' } });
    expect(revenueByCourse).toEqual([
      { course: { id: courseShown }, orders: 3, revenue: { amountMinor: 3_000, currency: 'NOK' }, withheld: false },
      { course: { id: courseWithheld }, orders: 0, revenue: { amountMinor: 0, currency: 'NOK' }, withheld: true },
    ]);
  });

  it('chatActivity: by distinct senders', async () => {
    expect(await figure<Series>(CHAT, UTC)).toEqual({ metric: 'messages', total: 8, points: points(UTC_DAYS, [4, 4, null]) });
    expect(await figure<Series>(CHAT, BERLIN)).toEqual({ metric: 'messages', total: 7, points: points(BERLIN_DAYS, [null, 4, 3]) });
  });

  it('postActivity: each series by the users it counts (authors, commenters, reactors)', async () => {
    const utc = await figure<{ posts: Series; comments: unknown; reactions: unknown }>(POSTS, UTC);
    expect(utc.posts).toEqual({ metric: 'posts', total: 8, points: points(UTC_DAYS, [4, 4, null]) });
    const berlin = await figure<{ posts: Series; comments: unknown; reactions: unknown }>(POSTS, BERLIN);
    expect(berlin.posts).toEqual({ metric: 'posts', total: 7, points: points(BERLIN_DAYS, [null, 4, 3]) });
    // Three comments by one user are withheld; three reactions by three users are shown.
    expect(berlin.comments).toEqual({ total: 0, points: [{ value: 0, withheld: false }, { value: 0, withheld: true }, { value: 0, withheld: false }] });
    expect(berlin.reactions).toEqual({ total: 3, points: [{ value: 0, withheld: false }, { value: 0, withheld: false }, { value: 3, withheld: false }] });
  });

  it('refuses an unknown or offset time zone with BAD_USER_INPUT, and a learner with FORBIDDEN', async () => {
    const bucketed = [ENROLLMENTS, ATTENDANCE, REVENUE, CHAT, POSTS];
    for (const query of bucketed) {
      for (const timeZone of ['Mars/Olympus_Mons', '+01:00', 'Berlin']) {
        const refused = await stack.query(query, { ...BERLIN, timeZone }, { authorization: `Bearer ${analyst.accessToken}` });
        expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' });
      }
      const forbidden = await stack.query(query, BERLIN, { authorization: `Bearer ${learner.accessToken}` });
      expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const byCourse = await stack.query(REVENUE_BY_COURSE, { range: UTC.range }, { authorization: `Bearer ${learner.accessToken}` });
    expect(byCourse.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
