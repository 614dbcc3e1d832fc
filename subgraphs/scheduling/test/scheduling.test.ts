import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entitiesQuery, startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { findUpcomingSessions } from '../src/repositories/training-session.repository.js';
import { buildSchedulingSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildSchedulingSubgraph>>;
const course = randomUUID();
const otherCourse = randomUUID();
const venue = randomUUID();
const trainer = randomUUID();
const trainerUser = randomUUID();
const HOUR = 3600_000;

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildSchedulingSubgraph, 'academy_scheduling');
  const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  await admin.query(
    `INSERT INTO scheduling.venues (id, name, city, postcode, capacity, facilities) VALUES ($1, 'York Conference Centre', 'York', 'YO1 7HH', 40, '{projector,parking}')`,
    [venue],
  );
  await admin.query(`INSERT INTO scheduling.trainers (id, user_id, specializations, rating_sum, rating_count) VALUES ($1, $2, '{first aid}', 14, 3)`, [trainer, trainerUser]);
  const now = Date.now();
  for (let i = 0; i < 8; i++) {
    await admin.query(
      `INSERT INTO scheduling.training_sessions (course_id, venue_id, trainer_id, starts_at, ends_at, capacity, seats_taken, status, online_join_url)
       VALUES ($1, $2, $3, $4, $5, 10, $6, $7, $8)`,
      [course, i % 2 ? venue : null, trainer, new Date(now + (i - 1) * 24 * HOUR + HOUR), new Date(now + (i - 1) * 24 * HOUR + 3 * HOUR), i, i === 3 ? 'CANCELLED' : 'SCHEDULED', i % 2 ? null : 'https://meet.example.test/x'],
    );
  }
  await admin.end();
});

afterAll(async () => {
  await subgraph?.stop();
});

describe('training session repository', () => {
  it('lists the next open sessions of many courses in one statement', async () => {
    const before = subgraph.service.database.statements.count;
    const rows = await findUpcomingSessions(subgraph.service.database.db, 'course', [course, otherCourse], 3);
    expect(subgraph.service.database.statements.count - before).toBe(1);
    // The first is past and the fourth cancelled: the second, third and fifth remain.
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.owner_id === course && r.starts_at.getTime() > Date.now())).toBe(true);
    expect(rows.map((r) => r.status)).toEqual(['SCHEDULED', 'SCHEDULED', 'SCHEDULED']);
    expect(rows.map((r) => r.seats_taken)).toEqual([1, 2, 4]);
    expect(rows.map((r) => r.venue?.name ?? null)).toEqual(['York Conference Centre', null, null]);
  });
});

describe('scheduling operations', () => {
  it('contributes upcoming sessions to Course entities, with venues, without extra statements', async () => {
    const before = subgraph.service.database.statements.count;
    const { body } = await subgraph.request<{ _entities: any[] }>(
      entitiesQuery('Course', 'id upcomingSessions(first: 2) { startsAt seatsTaken seatsAvailable venue { name facilities } course { id } }'),
      { representations: [{ __typename: 'Course', id: course }, { __typename: 'Course', id: otherCourse }] },
    );
    expect(body.errors).toBeUndefined();
    expect(subgraph.service.database.statements.count - before).toBe(1);
    const [withSessions, without] = body.data!._entities;
    expect(without).toEqual({ id: otherCourse, upcomingSessions: [] });
    expect(withSessions.upcomingSessions).toMatchObject([
      { seatsTaken: 1, seatsAvailable: 9, venue: { name: 'York Conference Centre', facilities: ['projector', 'parking'] }, course: { id: course } },
      { seatsTaken: 2, seatsAvailable: 8, venue: null },
    ]);
  });

  it('pages sessions with filters and an exact total', async () => {
    const query = `query($f: TrainingSessionFilter, $after: String) { trainingSessions(first: 2, after: $after, filter: $f) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { status seatsTaken } } } }`;
    const page = await subgraph.request<{ trainingSessions: any }>(query, { f: { courseId: course, status: 'SCHEDULED' } });
    expect(page.body.data!.trainingSessions).toMatchObject({ totalCount: 7, pageInfo: { hasNextPage: true }, edges: [{ node: { seatsTaken: 0 } }, { node: { seatsTaken: 1 } }] });
    const next = await subgraph.request<{ trainingSessions: any }>(query, { f: { courseId: course, status: 'SCHEDULED' }, after: page.body.data!.trainingSessions.pageInfo.endCursor });
    expect(next.body.data!.trainingSessions.edges.map((e: any) => e.node.seatsTaken)).toEqual([2, 4]);
    const bad = await subgraph.request(query, { f: { from: '2026-05-02T00:00:00Z', to: '2026-05-01T00:00:00Z' } });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves venues and trainers, and keeps join links and fill rates from anonymous callers', async () => {
    const { body } = await subgraph.request<any>(`{ venues { name city postcode capacity } trainers { averageRating specializations user { id } }
      trainingSessions(first: 1) { edges { node { onlineJoinUrl } } } }`);
    expect(body.data.venues).toEqual([{ name: 'York Conference Centre', city: 'York', postcode: 'YO1 7HH', capacity: 40 }]);
    expect(body.data.trainers).toEqual([{ averageRating: 4.67, specializations: ['first aid'], user: { id: trainerUser } }]);
    expect(body.data.trainingSessions.edges[0].node.onlineJoinUrl).toBeNull();
    const fill = await subgraph.request('{ trainingSessions(first: 1) { edges { node { fillRate } } } }');
    expect(fill.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('filters sessions by venue, trainer, status, time window and free seats', async () => {
    const fullCourse = randomUUID();
    const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
    await admin.connect();
    await admin.query(
      `INSERT INTO scheduling.training_sessions (course_id, starts_at, ends_at, capacity, seats_taken) VALUES ($1, now() + interval '1 day', now() + interval '25 hours', 2, 2)`,
      [fullCourse],
    );
    await admin.end();
    const count = async (f: Record<string, unknown>) => {
      const { body } = await subgraph.request<{ trainingSessions: { totalCount: number } }>(
        'query($f: TrainingSessionFilter) { trainingSessions(first: 0, filter: $f) { totalCount } }',
        { f },
      );
      expect(body.errors).toBeUndefined();
      return body.data!.trainingSessions.totalCount;
    };
    expect(await count({ venueId: venue })).toBe(4);
    expect(await count({ trainerId: trainer, status: 'CANCELLED' })).toBe(1);
    const now = Date.now();
    expect(await count({ courseId: course, from: new Date(now + 48 * HOUR), to: new Date(now + 96 * HOUR) })).toBe(2);
    expect(await count({ courseId: course, hasSeats: true })).toBe(8);
    expect(await count({ courseId: fullCourse, hasSeats: true })).toBe(0);
    expect(await count({ courseId: fullCourse, hasSeats: false })).toBe(1);
  });

  it('shows join links to the trainer of the session and ADMIN, and fill rates to ANALYST, ADMIN and ORGANIZER', async () => {
    const query = 'query($course: ID) { trainingSessions(first: 1, filter: { courseId: $course }) { edges { node { onlineJoinUrl } } } }';
    const joinUrlFor = async (viewer: { userId: string; roles: ('LEARNER' | 'TRAINER' | 'ADMIN')[] }) => {
      const { body } = await subgraph.request<{ trainingSessions: any }>(query, { course }, { viewer });
      return body.data!.trainingSessions.edges[0].node.onlineJoinUrl;
    };
    expect(await joinUrlFor({ userId: trainerUser, roles: ['TRAINER'] })).toBe('https://meet.example.test/x');
    expect(await joinUrlFor({ userId: randomUUID(), roles: ['ADMIN'] })).toBe('https://meet.example.test/x');
    expect(await joinUrlFor({ userId: randomUUID(), roles: ['LEARNER', 'TRAINER'] })).toBeNull();

    const fillRates = 'query($course: ID) { trainingSessions(first: 2, filter: { courseId: $course }) { edges { node { fillRate } } } }';
    const learner = await subgraph.request(fillRates, { course }, { viewer: { userId: randomUUID(), roles: ['LEARNER'] } });
    expect(learner.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const organizer = await subgraph.request<{ trainingSessions: any }>(fillRates, { course }, { viewer: { userId: randomUUID(), roles: ['ORGANIZER'] } });
    expect(organizer.body.errors).toBeUndefined();
    expect(organizer.body.data!.trainingSessions.edges.map((e: any) => e.node.fillRate)).toEqual([0, 0.1]);
  });

  it('validates page sizes of upcoming sessions', async () => {
    const { body } = await subgraph.request(entitiesQuery('Course', 'upcomingSessions(first: 51) { id }'), {
      representations: [{ __typename: 'Course', id: course }],
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
