import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, queryRows, type TestDatabase } from '@academy/service-kit/testing';
import { verify } from '@node-rs/argon2';
import pg from 'pg';
import { deferConstraints } from '../src/seed/bulk-insert.js';
import { BROKER_COURSE, DEMO_ROLES, REFERENCE_COURSES, SEEDED_TABLES, TOPICS, VENUES, seed, seedSizes, type SeedResult } from '../src/seed/index.js';

const SCALE = 0.1;
// A fixed day, so two databases seeded by this file can be compared timestamp for timestamp.
const NOW = new Date('2026-03-16T10:30:00Z');
const sizes = seedSizes(SCALE);

let first: TestDatabase;
let second: TestDatabase;
let custom: TestDatabase;
let seeded: SeedResult;

beforeAll(async () => {
  [first, second, custom] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
  seeded = await seed({ adminUrl: first.adminUrl, scale: SCALE, now: NOW });
});
afterAll(async () => {
  await Promise.all([first, second, custom].filter(Boolean).map((db) => db.drop()));
});

const query = <T extends pg.QueryResultRow>(database: TestDatabase, text: string, values: unknown[] = []) => queryRows<T>(database.adminUrl, text, values);

async function count(database: TestDatabase, text: string): Promise<number> {
  const [row] = await query<{ n: string }>(database, `SELECT count(*) AS n FROM (${text}) x`);
  return Number(row?.n);
}

/** A digest of every seeded row (password hashes aside: their salts are random by design). */
async function contentHashes(database: TestDatabase): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const table of SEEDED_TABLES) {
    const [row] = await query<{ digest: string }>(
      database,
      `SELECT md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) AS digest
       FROM (SELECT (to_jsonb(t) - 'password_hash')::text AS r FROM ${table} t) x`,
    );
    hashes[table] = row?.digest ?? '';
  }
  return hashes;
}

describe('seed', () => {
  it('loads the first-aid company’s courses at their exact prices, with modules and lessons', async () => {
    const rows = await query<{ slug: string; title: string; status: string; certificate_validity_months: number; amount_minor: number; currency: string; modules: string; lessons: string }>(
      first,
      `SELECT c.slug, c.title, c.status, c.certificate_validity_months, p.amount_minor, p.currency,
              (SELECT count(*) FROM learning.modules m WHERE m.course_id = c.id) AS modules,
              (SELECT count(*) FROM learning.lessons l JOIN learning.modules m ON m.id = l.module_id WHERE m.course_id = c.id) AS lessons
       FROM learning.courses c JOIN commerce.prices p ON p.course_id = c.id
       WHERE c.slug = ANY($1) ORDER BY p.amount_minor`,
      [REFERENCE_COURSES.map((c) => c.slug)],
    );
    expect(rows.map(({ title, status, certificate_validity_months, amount_minor, currency }) => ({ title, status, certificate_validity_months, amount_minor, currency }))).toEqual([
      { title: 'Emergency First Aid at Work (EFAW)', status: 'PUBLISHED', certificate_validity_months: 36, amount_minor: 7500, currency: 'GBP' },
      { title: 'Paediatric First Aid', status: 'PUBLISHED', certificate_validity_months: 36, amount_minor: 8500, currency: 'GBP' },
      { title: 'First Aid at Work (FAW)', status: 'PUBLISHED', certificate_validity_months: 36, amount_minor: 9500, currency: 'GBP' },
    ]);
    for (const row of rows) {
      expect(Number(row.modules)).toBeGreaterThanOrEqual(3);
      expect(Number(row.lessons)).toBeGreaterThanOrEqual(3 * Number(row.modules));
    }
  });

  it('loads the five venues with addresses, capacities, facilities and parking', async () => {
    const rows = await query<{ name: string; city: string | null; postcode: string | null; capacity: number; facilities: string[]; parking_info: string | null }>(
      first,
      'SELECT name, city, postcode, capacity, facilities, parking_info FROM scheduling.venues WHERE name = ANY($1) ORDER BY name',
      [['Leeds City Centre Training Venue', 'Sheffield Business Park', 'Bradford Community Centre', 'York Conference Centre', 'Client On-Site Training']],
    );
    expect(rows.map((r) => r.name)).toEqual([
      'Bradford Community Centre', 'Client On-Site Training', 'Leeds City Centre Training Venue', 'Sheffield Business Park', 'York Conference Centre',
    ]);
    for (const venue of rows) {
      expect(venue.capacity).toBeGreaterThan(0);
      expect(venue.facilities.length).toBeGreaterThan(0);
      expect(venue.parking_info).toEqual(expect.any(String));
      if (venue.name !== 'Client On-Site Training') expect(venue.postcode).toMatch(/^(LS|S|BD|YO)\d+ \d[A-Z]{2}$/);
    }
  });

  it('creates as many rows as the scale asks for, and reports them', async () => {
    const accounts = 1 + DEMO_ROLES.length;
    expect(seeded.seeded).toBe(true);
    expect(seeded.counts['identity.users']).toBe(sizes.users + accounts);
    expect(seeded.counts['learning.courses']).toBe(sizes.courses);
    expect(seeded.counts['learning.topics']).toBe(TOPICS.length);
    expect(seeded.counts['scheduling.venues']).toBe(VENUES.length);
    expect(seeded.counts['scheduling.trainers']).toBe(sizes.trainers + 1);
    for (const table of SEEDED_TABLES) {
      expect(seeded.counts[table]).toBeGreaterThan(0);
      expect(await count(first, `SELECT 1 FROM ${table}`)).toBe(seeded.counts[table]);
    }
    expect(await count(first, "SELECT 1 FROM identity.user_roles WHERE role = 'TRAINER'")).toBe(sizes.trainers + 1);
    // Course structure: 3-8 modules of 3-10 lessons, positions 1..n.
    expect(await count(first, 'SELECT course_id FROM learning.modules GROUP BY course_id HAVING count(*) NOT BETWEEN 3 AND 8 OR max(position) <> count(*)')).toBe(0);
    expect(await count(first, 'SELECT module_id FROM learning.lessons GROUP BY module_id HAVING count(*) NOT BETWEEN 3 AND 10 OR max(position) <> count(*)')).toBe(0);
    // Learning paths: positions 1..n of published courses; the first aid one is EFAW then FAW.
    expect(await count(first, 'SELECT path_id FROM learning.learning_path_courses GROUP BY path_id HAVING count(*) < 2 OR max(position) <> count(*)')).toBe(0);
    expect(await count(first, "SELECT 1 FROM learning.learning_path_courses pc JOIN learning.courses c ON c.id = pc.course_id WHERE c.status <> 'PUBLISHED'")).toBe(0);
    const firstAid = await query<{ slug: string }>(
      first,
      `SELECT c.slug FROM learning.learning_path_courses pc JOIN learning.learning_paths p ON p.id = pc.path_id JOIN learning.courses c ON c.id = pc.course_id
       WHERE p.slug = 'first-aider-at-work' ORDER BY pc.position`,
    );
    expect(firstAid.map((r) => r.slug)).toEqual(['emergency-first-aid-at-work', 'first-aid-at-work']);
    // About 20 client events per user who can produce them (everyone but the admin and five demo
    // accounts); the domain events recorded from the seeded rows come on top.
    const perUser = (await count(first, 'SELECT 1 FROM ai_analytics.analytics_events WHERE user_id IS NOT NULL AND source_event_id IS NULL')) / (sizes.users + 1);
    expect(perUser).toBeGreaterThan(18);
    expect(perUser).toBeLessThan(22);
  });

  it('places sessions in the past and the coming months, with upcoming ones for the reference courses', async () => {
    const now = NOW.toISOString();
    expect(await count(first, `SELECT 1 FROM scheduling.training_sessions WHERE ends_at < '${now}' AND status IN ('COMPLETED', 'CANCELLED')`)).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM scheduling.training_sessions WHERE starts_at > '${now}' AND status IN ('SCHEDULED', 'CONFIRMED')`)).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM scheduling.training_sessions WHERE starts_at > '${now}' AND status = 'COMPLETED'`)).toBe(0);
    const upcoming = await query<{ slug: string }>(
      first,
      `SELECT DISTINCT c.slug FROM scheduling.training_sessions s JOIN learning.courses c ON c.id = s.course_id
       JOIN scheduling.venues v ON v.id = s.venue_id WHERE s.starts_at > $1 AND c.slug = ANY($2)`,
      [NOW, REFERENCE_COURSES.map((c) => c.slug)],
    );
    expect(upcoming).toHaveLength(REFERENCE_COURSES.length);
    expect(await count(first, 'SELECT 1 FROM commerce.prices WHERE session_id IS NOT NULL')).toBeGreaterThan(0);
    // A free course has no price at all (the API shows null), never a price of 0.
    expect(await count(first, 'SELECT 1 FROM commerce.prices WHERE amount_minor = 0')).toBe(0);
    expect(await count(first, "SELECT 1 FROM learning.courses c WHERE c.status = 'PUBLISHED' AND NOT EXISTS (SELECT 1 FROM commerce.prices p WHERE p.course_id = c.id)")).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM ai_analytics.analytics_events WHERE occurred_at < '${now}'::timestamptz - interval '91 days' OR occurred_at > '${now}'`)).toBe(0);
  });

  it('keeps the denormalised counters equal to the rows they count', async () => {
    expect(
      await count(
        first,
        `SELECT 1 FROM learning.courses c
         WHERE c.enrollment_count <> (SELECT count(*) FROM learning.enrollments e WHERE e.course_id = c.id)
            OR c.completed_count <> (SELECT count(*) FROM learning.enrollments e WHERE e.course_id = c.id AND e.status = 'COMPLETED')`,
      ),
    ).toBe(0);
    expect(await count(first, 'SELECT 1 FROM learning.enrollments WHERE user_id IS NOT NULL')).toBeGreaterThan(0);
    // learning's copy of the course prices (what CoursePriceSet events leave) is commerce's, row for row.
    const commercePrices = 'SELECT course_id, amount_minor, currency, updated_at AS set_at FROM commerce.prices WHERE course_id IS NOT NULL';
    const learningPrices = 'SELECT course_id, amount_minor, currency, set_at FROM learning.course_prices';
    expect(await count(first, `(${commercePrices} EXCEPT ${learningPrices}) UNION ALL (${learningPrices} EXCEPT ${commercePrices})`)).toBe(0);
    expect(await count(first, learningPrices)).toBeGreaterThan(0);
    expect(await count(first, 'SELECT 1 FROM scheduling.training_sessions WHERE seats_taken >= capacity OR seats_taken < 0')).toBe(0);
    // seats_taken counts the registrations holding a seat, as registerForSession keeps it.
    expect(
      await count(
        first,
        `SELECT 1 FROM scheduling.training_sessions s
         WHERE s.seats_taken <> (SELECT count(*) FROM scheduling.registrations r
                                 WHERE r.session_id = s.id AND r.status IN ('PENDING_PAYMENT','CONFIRMED','ATTENDED','NO_SHOW'))`,
      ),
    ).toBe(0);
    for (const status of ['CONFIRMED', 'PENDING_PAYMENT', 'ATTENDED', 'NO_SHOW', 'CANCELLED']) {
      expect(await count(first, `SELECT 1 FROM scheduling.registrations WHERE status = '${status}'`)).toBeGreaterThan(0);
    }
    expect(await count(first, 'SELECT 1 FROM scheduling.registrations WHERE referred_by_user_id IS NOT NULL')).toBeGreaterThan(0);
    expect(await count(first, 'SELECT 1 FROM scheduling.registration_requirements')).toBeGreaterThan(0);
    expect(await count(first, "SELECT 1 FROM scheduling.attendance_records WHERE status IN ('PRESENT','LATE')")).toBeGreaterThan(0);
    // A session room holds its owner and at most the seats taken.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.chat_rooms r JOIN scheduling.training_sessions s ON s.id = r.session_id
         WHERE (SELECT count(*) FROM community.chat_room_members m WHERE m.room_id = r.id) > s.seats_taken + 1`,
      ),
    ).toBe(0);
    // The analytics rollups (kept by the insert trigger) count exactly the events: per name and
    // hour; distinct actors of any event per day, week and month, and of each name per day.
    expect(
      await count(
        first,
        `SELECT 1 FROM (SELECT name, date_trunc('hour', occurred_at, 'UTC') AS hour, count(*) AS events FROM ai_analytics.analytics_events GROUP BY 1, 2) raw
         FULL JOIN ai_analytics.event_hour_counts c USING (name, hour) WHERE raw.events IS DISTINCT FROM c.events`,
      ),
    ).toBe(0);
    const actorCounts = ['day', 'week', 'month']
      .map((unit) => `SELECT '*' AS name, '${unit}' AS period_unit, date_trunc('${unit}', occurred_at, 'UTC') AS period_start, count(DISTINCT actor)::int AS actors
        FROM ai_analytics.analytics_events WHERE actor IS NOT NULL GROUP BY 3`)
      .concat(`SELECT name, 'day', date_trunc('day', occurred_at, 'UTC'), count(DISTINCT actor)::int FROM ai_analytics.analytics_events WHERE actor IS NOT NULL GROUP BY 1, 3`);
    expect(
      await count(
        first,
        `SELECT 1 FROM (${actorCounts.join(' UNION ALL ')}) raw
         FULL JOIN ai_analytics.event_actor_counts c USING (name, period_unit, period_start) WHERE raw.actors IS DISTINCT FROM c.actors`,
      ),
    ).toBe(0);
    expect(await count(first, 'SELECT 1 FROM ai_analytics.event_actor_counts')).toBeGreaterThan(0);
  });

  it('gives coaches working hours and sessions whose feedback adds up to their ratings, none overlapping', async () => {
    const now = NOW.toISOString();
    expect(await count(first, 'SELECT 1 FROM scheduling.trainers t WHERE NOT EXISTS (SELECT 1 FROM scheduling.trainer_working_hours h WHERE h.trainer_id = t.id)')).toBe(0);
    expect(await count(first, "SELECT DISTINCT time_zone FROM scheduling.trainers")).toBeGreaterThan(1);
    // rating_sum and rating_count are exactly the feedback rows.
    expect(
      await count(
        first,
        `SELECT 1 FROM scheduling.trainers t LEFT JOIN LATERAL (
           SELECT coalesce(sum(rating), 0) AS s, count(*) AS n FROM scheduling.session_feedback f WHERE f.trainer_id = t.id) f ON true
         WHERE f.s <> t.rating_sum OR f.n <> t.rating_count`,
      ),
    ).toBe(0);
    // Feedback comes from the session's learner, after a completed session.
    expect(
      await count(
        first,
        `SELECT 1 FROM scheduling.session_feedback f JOIN scheduling.coaching_sessions c ON c.id = f.coaching_session_id
         WHERE c.learner_id <> f.user_id OR c.trainer_id <> f.trainer_id OR c.status <> 'COMPLETED' OR f.created_at < c.ends_at`,
      ),
    ).toBe(0);
    expect(await count(first, `SELECT 1 FROM scheduling.coaching_sessions WHERE status = 'BOOKED' AND starts_at > '${now}'`)).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM scheduling.coaching_sessions WHERE status <> 'BOOKED' AND ends_at > '${now}'`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM scheduling.coaching_sessions WHERE status = 'BOOKED' AND ends_at <= '${now}'`)).toBe(0);
    // The exclusion constraints let no overlap in; nor do coaches coach during their training sessions.
    expect(
      await count(
        first,
        `SELECT 1 FROM scheduling.coaching_sessions c JOIN scheduling.training_sessions s ON s.trainer_id = c.trainer_id
         WHERE c.status <> 'CANCELLED' AND s.status <> 'CANCELLED' AND tstzrange(c.starts_at, c.ends_at) && tstzrange(s.starts_at, s.ends_at)`,
      ),
    ).toBe(0);
    // Coaching stays within the coach's working hours, in the coach's time zone.
    expect(
      await count(
        first,
        `SELECT 1 FROM scheduling.coaching_sessions c JOIN scheduling.trainers t ON t.id = c.trainer_id
         WHERE NOT EXISTS (
           SELECT 1 FROM scheduling.trainer_working_hours h
           WHERE h.trainer_id = t.id AND h.weekday = extract(isodow FROM c.starts_at AT TIME ZONE t.time_zone)
             AND (c.starts_at AT TIME ZONE t.time_zone)::time >= h.starts_at AND (c.ends_at AT TIME ZONE t.time_zone)::time <= h.ends_at)`,
      ),
    ).toBe(0);
  });

  it('gives enrollments the lesson progress, certificates and course materials the learning subgraph would have', async () => {
    // progress_percent is the share of the course's lessons completed, rounded down, as syncLessonProgress computes it.
    expect(
      await count(
        first,
        `SELECT 1 FROM learning.enrollments e
         WHERE e.progress_percent <> (
           SELECT floor(100.0 * count(lp.completed_at) / count(*))::int
           FROM learning.lessons l JOIN learning.modules m ON m.id = l.module_id
           LEFT JOIN learning.lesson_progress lp ON lp.lesson_id = l.id AND lp.user_id = e.user_id
           WHERE m.course_id = e.course_id)
         OR (e.status = 'COMPLETED') <> (e.progress_percent = 100)`,
      ),
    ).toBe(0);
    expect(await count(first, "SELECT 1 FROM learning.enrollments WHERE status = 'ACTIVE' AND progress_percent > 0")).toBeGreaterThan(0);
    expect(await count(first, 'SELECT 1 FROM learning.lesson_progress WHERE completed_at IS NULL AND progress_percent BETWEEN 1 AND 99')).toBeGreaterThan(0);
    // One certificate per completed enrollment, numbered 1..n; the sequence continues after them.
    expect(
      await count(
        first,
        `SELECT 1 FROM learning.enrollments e FULL JOIN learning.certificates c ON c.enrollment_id = e.id AND e.status = 'COMPLETED'
         WHERE (e.status = 'COMPLETED' OR c.id IS NOT NULL) AND (e.id IS NULL OR c.id IS NULL OR c.user_id <> e.user_id OR c.course_id <> e.course_id OR c.issued_at <> e.completed_at)`,
      ),
    ).toBe(0);
    const [numbers] = await query<{ n: number; max: number; next: string }>(
      first,
      `SELECT count(*)::int AS n, max(split_part(number, '-', 3)::int) AS max,
              (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM learning.certificate_number_seq)::text AS next
       FROM learning.certificates`,
    );
    expect(numbers!.max).toBe(numbers!.n);
    expect(Number(numbers!.next)).toBe(numbers!.n + 1);
    const now = NOW.toISOString();
    expect(await count(first, `SELECT 1 FROM learning.certificates WHERE expires_at <= '${now}' AND revoked_at IS NULL`)).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM learning.certificates WHERE (expires_at IS NULL OR expires_at > '${now}') AND revoked_at IS NULL`)).toBeGreaterThan(0);
    expect(await count(first, 'SELECT 1 FROM learning.certificates WHERE revoked_at IS NOT NULL AND revoked_reason IS NOT NULL')).toBe(1);
    // Every course has materials, positions 1..n, public and enrolled-only ones, https links only.
    expect(await count(first, 'SELECT 1 FROM learning.courses c WHERE NOT EXISTS (SELECT 1 FROM learning.course_materials m WHERE m.course_id = c.id)')).toBe(0);
    expect(await count(first, 'SELECT course_id FROM learning.course_materials GROUP BY course_id HAVING max(position) <> count(*)')).toBe(0);
    expect(
      await count(
        first,
        `SELECT course_id FROM learning.course_materials GROUP BY course_id
         HAVING NOT bool_or(visibility = 'PUBLIC') OR NOT bool_or(visibility = 'ENROLLED') OR NOT bool_and(url LIKE 'https://%')`,
      ),
    ).toBe(0);
    expect(await count(first, 'SELECT 1 FROM learning.course_materials WHERE version > 1')).toBeGreaterThan(0);
  });

  it('gives the demo learner enrollments with progress and certificates, one expired, and the demo author courses', async () => {
    const learner = await query<{ slug: string; status: string; progress_percent: number; certificate: string | null }>(
      first,
      `SELECT c.slug, e.status, e.progress_percent,
              CASE WHEN cert.id IS NULL THEN NULL WHEN cert.expires_at <= $2 THEN 'EXPIRED' ELSE 'ACTIVE' END AS certificate
       FROM identity.users u JOIN learning.enrollments e ON e.user_id = u.id JOIN learning.courses c ON c.id = e.course_id
       LEFT JOIN learning.certificates cert ON cert.enrollment_id = e.id
       WHERE u.email = $1 AND c.slug = ANY($3) ORDER BY c.slug`,
      ['learner@academy.local', NOW, ['emergency-first-aid-at-work', 'first-aid-at-work', 'paediatric-first-aid']],
    );
    expect(learner).toEqual([
      { slug: 'emergency-first-aid-at-work', status: 'COMPLETED', progress_percent: 100, certificate: 'ACTIVE' },
      { slug: 'first-aid-at-work', status: 'ACTIVE', progress_percent: expect.any(Number), certificate: null },
      { slug: 'paediatric-first-aid', status: 'COMPLETED', progress_percent: 100, certificate: 'EXPIRED' },
    ]);
    expect(learner[1]!.progress_percent).toBeGreaterThan(0);
    expect(
      await count(first, `SELECT 1 FROM learning.courses c JOIN identity.users u ON u.id = c.author_id WHERE u.email = 'content-author@academy.local'`),
    ).toBeGreaterThanOrEqual(3);
  });

  it('keeps one direct room per pair of users, with the pair openDirectChat looks for', async () => {
    expect(await count(first, "SELECT 1 FROM community.chat_rooms WHERE kind = 'DIRECT'")).toBe(sizes.directRooms);
    // Every direct room has its pair, smaller id first, and no other room has one.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.chat_rooms WHERE (kind = 'DIRECT') <> (direct_user_low IS NOT NULL AND direct_user_high IS NOT NULL)
           OR NOT (direct_user_low < direct_user_high)`,
      ),
    ).toBe(0);
    expect(await count(first, "SELECT DISTINCT direct_user_low, direct_user_high FROM community.chat_rooms WHERE kind = 'DIRECT'")).toBe(sizes.directRooms);
    // The pair is exactly the room's two members…
    expect(
      await count(
        first,
        `SELECT 1 FROM community.chat_rooms r WHERE r.kind = 'DIRECT' AND (
           (SELECT array_agg(m.user_id ORDER BY m.user_id) FROM community.chat_room_members m WHERE m.room_id = r.id)
           IS DISTINCT FROM ARRAY[r.direct_user_low, r.direct_user_high])`,
      ),
    ).toBe(0);
    // …so looking the room up by its members, in either order, as openDirectChat does, finds it.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.chat_room_members a
         JOIN community.chat_room_members b ON b.room_id = a.room_id AND b.user_id <> a.user_id
         JOIN community.chat_rooms r ON r.id = a.room_id AND r.kind = 'DIRECT'
         WHERE NOT EXISTS (SELECT 1 FROM community.chat_rooms f
           WHERE f.direct_user_low = LEAST(a.user_id, b.user_id) AND f.direct_user_high = GREATEST(a.user_id, b.user_id) AND f.id = r.id)`,
      ),
    ).toBe(0);
  });

  it('fills the rooms with messages numbered 1..n per room, sent by members in time order', async () => {
    expect(seeded.counts['community.chat_messages']).toBe(sizes.chatMessages);
    // Gapless: sequences are unique per room (a constraint), so 1..n when the largest is the count.
    expect(await count(first, 'SELECT room_id FROM community.chat_messages GROUP BY room_id HAVING min(sequence) <> 1 OR max(sequence) <> count(*)')).toBe(0);
    expect(
      await count(
        first,
        `SELECT 1 FROM community.chat_rooms r
         WHERE r.last_sequence <> coalesce((SELECT max(m.sequence) FROM community.chat_messages m WHERE m.room_id = r.id), 0)`,
      ),
    ).toBe(0);
    // Senders are members who had joined by then; times increase with the sequence, within the last weeks.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.chat_messages m WHERE m.sender_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM community.chat_room_members x WHERE x.room_id = m.room_id AND x.user_id = m.sender_id AND x.joined_at <= m.sent_at)`,
      ),
    ).toBe(0);
    expect(
      await count(
        first,
        `SELECT 1 FROM (SELECT sent_at, lag(sent_at) OVER (PARTITION BY room_id ORDER BY sequence) AS before FROM community.chat_messages) x
         WHERE x.sent_at <= x.before`,
      ),
    ).toBe(0);
    const now = NOW.toISOString();
    expect(await count(first, `SELECT 1 FROM community.chat_messages WHERE sent_at >= '${now}' OR sent_at < '${now}'::timestamptz - interval '43 days'`)).toBe(0);
    // Read pointers stay within the room's messages, and not everyone is up to date.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.chat_room_members m JOIN community.chat_rooms r ON r.id = m.room_id
         WHERE m.last_read_sequence < 0 OR m.last_read_sequence > r.last_sequence`,
      ),
    ).toBe(0);
    expect(await count(first, 'SELECT 1 FROM community.chat_room_members m JOIN community.chat_rooms r ON r.id = m.room_id WHERE m.last_read_sequence < r.last_sequence')).toBeGreaterThan(0);
  });

  it('spreads the messages unevenly, with a few edited and fewer deleted', async () => {
    const [shape] = await query<{ rooms: number; busy: number; median: number; busiest: number; edited: number; deleted: number; blank: number; keyed: number }>(
      first,
      `SELECT (SELECT count(*) FROM community.chat_rooms WHERE last_sequence > 0)::int AS rooms,
              (SELECT count(*) FROM community.chat_rooms WHERE last_sequence >= 100)::int AS busy,
              (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY last_sequence) FROM community.chat_rooms WHERE last_sequence > 0)::int AS median,
              (SELECT max(last_sequence) FROM community.chat_rooms)::int AS busiest,
              count(*) FILTER (WHERE edited_at IS NOT NULL AND deleted_at IS NULL)::int AS edited,
              count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS deleted,
              count(*) FILTER (WHERE content = '' AND deleted_at IS NULL)::int AS blank,
              count(*) FILTER (WHERE client_message_id IS NOT NULL)::int AS keyed
       FROM community.chat_messages`,
    );
    const total = sizes.chatMessages;
    expect(shape?.rooms).toBeGreaterThan(seeded.counts['community.chat_rooms'] / 2);
    expect(shape?.median).toBeGreaterThanOrEqual(3);
    expect(shape?.median).toBeLessThan(100);
    expect(shape?.busy).toBeGreaterThan(0);
    expect(shape?.busiest).toBeGreaterThan(10 * (shape?.median ?? 0));
    expect(shape?.edited).toBeGreaterThan(total * 0.01);
    expect(shape?.edited).toBeLessThan(total * 0.06);
    expect(shape?.deleted).toBeGreaterThan(0);
    expect(shape?.deleted).toBeLessThan(total * 0.01);
    expect(shape?.blank).toBe(0);
    expect(shape?.keyed).toBeGreaterThan(total / 2);
    // Deleted messages keep their place but lose their text; edits and deletions follow the sending.
    expect(await count(first, "SELECT 1 FROM community.chat_messages WHERE deleted_at IS NOT NULL AND (content <> '' OR edited_at IS NULL)")).toBe(0);
    expect(await count(first, 'SELECT 1 FROM community.chat_messages WHERE edited_at <= sent_at OR deleted_at <= sent_at')).toBe(0);
  });

  it('records who deleted each deleted message, and mutes members as moderators would', async () => {
    // Deleted by their sender or by a moderator of the room; nobody else, and only deleted ones.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.chat_messages m WHERE (m.deleted_by IS NULL) <> (m.deleted_at IS NULL)
           OR (m.deleted_by <> m.sender_id AND NOT EXISTS (
             SELECT 1 FROM community.chat_room_members x WHERE x.room_id = m.room_id AND x.user_id = m.deleted_by AND x.role <> 'MEMBER'))`,
      ),
    ).toBe(0);
    // Mutes: a MEMBER of the room, by an OWNER or MODERATOR of it, some still running.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.chat_room_mutes u
         WHERE u.muted_until <= u.muted_at
            OR NOT EXISTS (SELECT 1 FROM community.chat_room_members x WHERE x.room_id = u.room_id AND x.user_id = u.user_id AND x.role = 'MEMBER')
            OR NOT EXISTS (SELECT 1 FROM community.chat_room_members x WHERE x.room_id = u.room_id AND x.user_id = u.muted_by AND x.role <> 'MEMBER')`,
      ),
    ).toBe(0);
    expect(await count(first, `SELECT 1 FROM community.chat_room_mutes WHERE muted_until > '${NOW.toISOString()}'`)).toBeGreaterThan(0);
  });

  it('tells members they were added to a room, as the community subgraph does', async () => {
    const expected = await count(first, 'SELECT 1 FROM community.chat_room_members m JOIN community.chat_rooms r ON r.id = m.room_id WHERE m.user_id <> r.created_by');
    expect(await count(first, "SELECT 1 FROM community.notifications WHERE type = 'CHAT_ROOM_MEMBER_ADDED'")).toBe(expected);
    // One per membership: for its member, about its room, at the moment of joining.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.notifications n WHERE n.type = 'CHAT_ROOM_MEMBER_ADDED' AND NOT EXISTS (
           SELECT 1 FROM community.chat_room_members m JOIN community.chat_rooms r ON r.id = m.room_id
           WHERE m.user_id = n.user_id AND r.id = (n.data->>'roomId')::uuid AND n.action_url = '/chat/' || r.id
             AND (n.data->>'addedBy')::uuid = r.created_by AND n.created_at = m.joined_at)`,
      ),
    ).toBe(0);
    expect(await count(first, 'SELECT 1 FROM community.notifications WHERE read_at <= created_at')).toBe(0);
    const read = await count(first, "SELECT 1 FROM community.notifications WHERE type = 'CHAT_ROOM_MEMBER_ADDED' AND read_at IS NOT NULL");
    expect(read).toBeGreaterThan(expected / 4);
    expect(read).toBeLessThan(expected);
  });

  it('writes posts of every visibility, with comments, reactions, mentions and their notifications as the community subgraph would', async () => {
    const visibilities = await query<{ visibility: string; n: string }>(first, 'SELECT visibility, count(*) AS n FROM community.posts GROUP BY visibility ORDER BY visibility');
    expect(visibilities.map((v) => v.visibility)).toEqual(['MEMBERS', 'PRIVATE', 'PUBLIC']);
    expect(seeded.counts['community.posts']).toBeLessThanOrEqual(sizes.posts);
    expect(seeded.counts['community.posts']).toBeGreaterThan(sizes.posts * 0.9);
    // MEMBERS posts go to session rooms, PRIVATE ones to other rooms, PUBLIC ones to none.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.posts p LEFT JOIN community.chat_rooms r ON r.id = p.room_id
         WHERE (p.visibility = 'PUBLIC') <> (r.id IS NULL) OR (p.visibility = 'MEMBERS' AND r.kind <> 'SESSION') OR (p.visibility = 'PRIVATE' AND r.kind = 'SESSION')`,
      ),
    ).toBe(0);
    // Whoever writes, comments on or reacts to a room's post is a member of the room, and was by then.
    const outsiders = (table: string, who: string, when: string) =>
      count(
        first,
        `SELECT 1 FROM ${table} x JOIN community.posts p ON p.id = x.post_id WHERE p.room_id IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM community.chat_room_members m WHERE m.room_id = p.room_id AND m.user_id = x.${who} AND m.joined_at <= x.${when})`,
      );
    expect(await count(first, `SELECT 1 FROM community.posts p WHERE p.room_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM community.chat_room_members m WHERE m.room_id = p.room_id AND m.user_id = p.author_id AND m.joined_at <= p.created_at)`)).toBe(0);
    expect(await outsiders('community.post_comments', 'author_id', 'created_at')).toBe(0);
    expect(await outsiders('community.post_reactions', 'user_id', 'reacted_at')).toBe(0);
    expect(await outsiders('community.post_mentions', 'user_id', 'created_at')).toBe(0);
    // Replies answer a comment of the same post, one level deep; removed comments kept only for their replies.
    expect(await count(first, 'SELECT 1 FROM community.post_comments c WHERE c.parent_id IS NOT NULL')).toBeGreaterThan(0);
    expect(
      await count(
        first,
        `SELECT 1 FROM community.post_comments c JOIN community.post_comments parent ON parent.id = c.parent_id
         WHERE parent.parent_id IS NOT NULL OR parent.post_id <> c.post_id OR c.created_at <= parent.created_at OR c.deleted_at IS NOT NULL`,
      ),
    ).toBe(0);
    expect(
      await count(
        first,
        `SELECT 1 FROM community.post_comments c WHERE c.deleted_at IS NOT NULL
         AND (c.content <> '' OR NOT EXISTS (SELECT 1 FROM community.post_comments r WHERE r.parent_id = c.id))`,
      ),
    ).toBe(0);
    expect(await count(first, 'SELECT 1 FROM community.post_comments c JOIN community.posts p ON p.id = c.post_id WHERE c.created_at <= p.created_at')).toBe(0);
    // Reactions: all four kinds, none by a post's author, none before the post.
    expect(await count(first, 'SELECT DISTINCT kind FROM community.post_reactions')).toBe(4);
    expect(await count(first, 'SELECT 1 FROM community.post_reactions x JOIN community.posts p ON p.id = x.post_id WHERE x.user_id = p.author_id OR x.reacted_at <= p.created_at')).toBe(0);
    // Each mention, comment and reply told its person once; nobody was told about their own words.
    const told = (type: string) => count(first, `SELECT 1 FROM community.notifications WHERE type = '${type}'`);
    expect(await told('POST_MENTION')).toBe(seeded.counts['community.post_mentions']);
    expect(
      await count(
        first,
        `SELECT 1 FROM community.post_mentions m JOIN community.posts p ON p.id = m.post_id WHERE m.user_id = p.author_id OR (
           SELECT count(*) FROM community.notifications n
           WHERE n.user_id = m.user_id AND n.type = 'POST_MENTION' AND n.action_url = '/posts/' || m.post_id) <> 1`,
      ),
    ).toBe(0);
    expect(await told('POST_COMMENTED')).toBe(
      await count(first, 'SELECT 1 FROM community.post_comments c JOIN community.posts p ON p.id = c.post_id WHERE c.parent_id IS NULL AND c.author_id <> p.author_id'),
    );
    expect(await told('COMMENT_REPLIED')).toBe(
      await count(first, 'SELECT 1 FROM community.post_comments c JOIN community.post_comments parent ON parent.id = c.parent_id WHERE c.author_id <> parent.author_id'),
    );
    expect(await count(first, "SELECT 1 FROM community.notifications n WHERE n.type IN ('POST_COMMENTED', 'COMMENT_REPLIED') AND n.user_id = (n.data->>'by')::uuid")).toBe(0);
    // Reports name posts that exist; one was dismissed by the admin.
    expect(await count(first, "SELECT 1 FROM community.content_reports r WHERE r.kind <> 'POST' OR NOT EXISTS (SELECT 1 FROM community.posts p WHERE p.id = r.content_id)")).toBe(0);
    expect(await count(first, "SELECT 1 FROM community.content_reports WHERE status = 'DISMISSED'")).toBe(1);
  });

  it("builds community's side of registrations and notifications of every kind, as its consumers would", async () => {
    // The copy of registrations matches scheduling's rows; each confirmed seat of an upcoming session has its booking notice and one reminder 24 hours before.
    expect(seeded.counts['community.session_registrations']).toBe(seeded.counts['scheduling.registrations']);
    expect(seeded.counts['community.training_sessions']).toBe(seeded.counts['scheduling.training_sessions']);
    const [{ n }] = (await query<{ n: string }>(
      first,
      `SELECT count(*) AS n FROM scheduling.registrations r JOIN scheduling.training_sessions s ON s.id = r.session_id
       WHERE r.status = 'CONFIRMED' AND s.starts_at > $1 AND s.cancelled_at IS NULL`,
      [NOW],
    )) as [{ n: string }];
    const upcoming = Number(n);
    expect(upcoming).toBeGreaterThan(0);
    expect(
      await count(first, "SELECT 1 FROM community.notifications n JOIN scheduling.registrations r ON r.id = (n.data->>'registrationId')::uuid WHERE n.type = 'BOOKING_CONFIRMED'"),
    ).toBe(upcoming);
    expect(
      await count(
        first,
        `SELECT 1 FROM community.reminders m JOIN community.training_sessions s ON s.session_id = m.session_id
         WHERE m.kind = 'SESSION_REMINDER' AND m.due_at = GREATEST(s.starts_at - interval '24 hours', m.created_at)`,
      ),
    ).toBe(upcoming);
    expect(await count(first, "SELECT 1 FROM community.reminders WHERE status = 'SENT' AND notification_id IS NULL")).toBe(0);
    // The demo learner has one of every kind, preferences and quiet hours.
    const kinds = await query<{ type: string }>(
      first,
      `SELECT DISTINCT n.type FROM community.notifications n JOIN identity.users u ON u.id = n.user_id WHERE u.email = $1 ORDER BY 1`,
      ['learner@academy.local'],
    );
    expect(kinds.map((k) => k.type)).toEqual(
      expect.arrayContaining(['BOOKING_CONFIRMED', 'SESSION_REMINDER', 'SEAT_HOLD_EXPIRING', 'SESSION_CANCELLED', 'CERTIFICATE_ISSUED', 'ENROLLMENT_CREATED', 'REFUND_DECIDED', 'CHAT_ROOM_MEMBER_ADDED']),
    );
    expect(seeded.counts['community.notification_preferences']).toBeGreaterThan(2);
    expect(seeded.counts['community.notification_quiet_hours']).toBeGreaterThan(0);
  });

  it('puts back the keys it drops for a large load, and fails on a row that breaks them', async () => {
    // The test scale is below the size that defers them, so the round trip is checked here.
    const client = new pg.Client({ connectionString: first.adminUrl });
    await client.connect();
    const constraints = async () =>
      (await client.query<{ name: string; definition: string }>(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
         WHERE conrelid = 'community.chat_messages'::regclass ORDER BY conname`,
      )).rows;
    try {
      const before = await constraints();
      expect(before.map((c) => c.name)).toEqual(expect.arrayContaining(['chat_messages_pkey', 'chat_messages_room_sequence_key', 'chat_messages_room_id_fkey']));
      await client.query('BEGIN');
      const restore = await deferConstraints(client, 'community.chat_messages');
      expect((await constraints()).map((c) => c.name)).not.toContain('chat_messages_room_sequence_key');
      await restore();
      expect(await constraints()).toEqual(before);
      await client.query('ROLLBACK');

      await client.query('BEGIN');
      const broken = await deferConstraints(client, 'community.chat_messages');
      await client.query(`INSERT INTO community.chat_messages (room_id, sequence, sender_id, content)
        SELECT room_id, sequence, sender_id, 'again' FROM community.chat_messages ORDER BY room_id, sequence LIMIT 1`);
      await expect(broken()).rejects.toThrow(/could not create unique index/);
      await client.query('ROLLBACK');
      expect(await constraints()).toEqual(before);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  });

  it('runs the first-aid courses every week, gives trainers sessions their qualification covers, and adds topics and events', async () => {
    // Each reference course has a session at one of the company's venues in each of the next four weeks.
    const weeks = await query<{ slug: string; weeks: string }>(
      first,
      `SELECT c.slug, count(DISTINCT floor(extract(epoch FROM s.starts_at - $1::timestamptz) / (7 * 86400))) AS weeks
       FROM scheduling.training_sessions s JOIN learning.courses c ON c.id = s.course_id
       WHERE c.slug = ANY($2) AND s.venue_id IS NOT NULL AND s.starts_at > $1 AND s.starts_at <= $1::timestamptz + interval '28 days'
       GROUP BY c.slug`,
      [NOW, REFERENCE_COURSES.map((c) => c.slug)],
    );
    expect(weeks).toHaveLength(REFERENCE_COURSES.length);
    for (const row of weeks) expect(Number(row.weeks)).toBeGreaterThanOrEqual(4);
    // No trainer teaches past the end of their qualification.
    expect(await count(first, `SELECT 1 FROM scheduling.training_sessions s JOIN scheduling.trainers t ON t.id = s.trainer_id
      WHERE t.qualification_expires_at < s.ends_at`)).toBe(0);
    // One active trainer's qualification lapses within a month.
    const now = `'${NOW.toISOString()}'::timestamptz`;
    expect(await count(first, `SELECT 1 FROM scheduling.trainers WHERE is_active AND qualification_expires_at BETWEEN ${now} AND ${now} + interval '30 days'`)).toBeGreaterThan(0);
    expect(await count(first, 'SELECT 1 FROM scheduling.trainer_qualifications q JOIN scheduling.trainers t ON t.id = q.trainer_id WHERE q.expires_at = t.qualification_expires_at')).toBeGreaterThan(0);
    // Sessions list what they cover by name (every broker session does); the reference courses name their catalogue topic.
    expect(await count(first, 'SELECT 1 FROM scheduling.session_topics WHERE name IS NOT NULL')).toBeGreaterThan(0);
    expect(await count(first, 'SELECT 1 FROM scheduling.session_topics WHERE topic_id IS NOT NULL')).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM scheduling.events WHERE starts_at > ${now} AND status = 'SCHEDULED'`)).toBeGreaterThan(0);
  });

  it('runs broker training sessions, each listing its topics, with registrants naming who referred them', async () => {
    const [broker] = await query<{ sessions: string; with_topics: string; upcoming: string; referred: string }>(
      first,
      `SELECT count(*) AS sessions,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM scheduling.session_topics t WHERE t.session_id = s.id AND t.name IS NOT NULL)) AS with_topics,
              count(*) FILTER (WHERE s.starts_at > $2 AND s.status IN ('SCHEDULED', 'CONFIRMED')) AS upcoming,
              (SELECT count(*) FROM scheduling.registrations r JOIN scheduling.training_sessions b ON b.id = r.session_id JOIN learning.courses bc ON bc.id = b.course_id
               WHERE bc.slug = $1 AND r.referred_by_user_id IS NOT NULL) AS referred
       FROM scheduling.training_sessions s JOIN learning.courses c ON c.id = s.course_id
       WHERE c.slug = $1`,
      [BROKER_COURSE.slug, NOW],
    );
    expect(Number(broker!.sessions)).toBeGreaterThan(5);
    expect(Number(broker!.with_topics)).toBe(Number(broker!.sessions));
    expect(Number(broker!.upcoming)).toBeGreaterThan(0);
    expect(Number(broker!.referred)).toBeGreaterThan(0);
    const [course] = await query<{ title: string; topics: string[] }>(
      first,
      `SELECT c.title, array_agg(t.name) AS topics FROM learning.courses c JOIN learning.course_topics ct ON ct.course_id = c.id JOIN learning.topics t ON t.id = ct.topic_id
       WHERE c.slug = $1 GROUP BY c.title`,
      [BROKER_COURSE.slug],
    );
    expect(course).toEqual({ title: 'Mortgage Broker Essentials', topics: ['Financial services'] });
  });

  it("gives trainers time off clear of their bookings, and records who marked each coaching no-show", async () => {
    expect(await count(first, 'SELECT 1 FROM scheduling.trainer_time_off')).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM scheduling.trainer_time_off o JOIN scheduling.coaching_sessions c ON c.trainer_id = o.trainer_id
      AND c.status = 'BOOKED' AND tstzrange(o.starts_at, o.ends_at) && tstzrange(c.starts_at, c.ends_at)`)).toBe(0);
    expect(await count(first, "SELECT 1 FROM scheduling.coaching_sessions WHERE status = 'NO_SHOW' AND no_show_by IS NULL")).toBe(0);
  });

  it('pays for every priced seat with an order and a payment, and refunds some with the fee and net the default policy gives', async () => {
    // Each confirmed, attended or no-show registration of a priced course has one paid seat item.
    expect(await count(first, `SELECT 1 FROM scheduling.registrations r JOIN scheduling.training_sessions s ON s.id = r.session_id
      JOIN scheduling.course_prices p ON p.course_id = s.course_id AND p.amount_minor > 0
      WHERE r.status IN ('CONFIRMED', 'ATTENDED', 'NO_SHOW') AND NOT EXISTS (SELECT 1 FROM commerce.order_items i WHERE i.registration_id = r.id)`)).toBe(0);
    expect(await count(first, "SELECT 1 FROM commerce.orders o WHERE o.status IN ('PAID', 'PARTIALLY_REFUNDED') AND NOT EXISTS (SELECT 1 FROM commerce.payments p WHERE p.order_id = o.id AND p.status = 'SUCCEEDED' AND p.amount_minor = o.total_minor)")).toBe(0);
    // Every kind of refund, each with 2.5 % kept (rounded half up), and orders that add up.
    expect(await count(first, 'SELECT DISTINCT status FROM commerce.refunds')).toBe(3);
    expect(await count(first, 'SELECT 1 FROM commerce.refunds WHERE fee_minor <> floor((amount_minor * 250 + 5000) / 10000) OR net_minor <> amount_minor - fee_minor')).toBe(0);
    expect(await count(first, `SELECT 1 FROM commerce.orders o WHERE refunded_minor <> (SELECT coalesce(sum(amount_minor), 0) FROM commerce.refunds r WHERE r.order_id = o.id AND r.status = 'COMPLETED')
      OR (refunded_minor > 0) <> (status = 'PARTIALLY_REFUNDED')`)).toBe(0);
  });

  it("gives ai-analytics tips for every topic, and copies of courses, enrollments and events that agree with learning's and scheduling's", async () => {
    // Tips: every topic has some, some tips serve several topics, every link names a topic.
    expect(await count(first, 'SELECT 1 FROM learning.topics t WHERE NOT EXISTS (SELECT 1 FROM ai_analytics.topic_coaching_tips l WHERE l.topic_id = t.id)')).toBe(0);
    expect(await count(first, 'SELECT 1 FROM ai_analytics.topic_coaching_tips l WHERE NOT EXISTS (SELECT 1 FROM learning.topics t WHERE t.id = l.topic_id)')).toBe(0);
    expect(await count(first, 'SELECT tip_id FROM ai_analytics.topic_coaching_tips GROUP BY tip_id HAVING count(*) > 1')).toBeGreaterThan(0);
    // The catalogue copy: every course, same language, status and topics.
    expect(await count(first, `SELECT 1 FROM learning.courses c LEFT JOIN ai_analytics.course_catalogue a ON a.course_id = c.id
      WHERE a.course_id IS NULL OR a.language <> c.language OR a.status <> c.status
        OR a.topic_ids::text[] IS DISTINCT FROM ARRAY(SELECT ct.topic_id::text FROM learning.course_topics ct WHERE ct.course_id = c.id ORDER BY ct.topic_id)
          AND NOT (a.topic_ids @> ARRAY(SELECT ct.topic_id FROM learning.course_topics ct WHERE ct.course_id = c.id)
               AND a.topic_ids <@ ARRAY(SELECT ct.topic_id FROM learning.course_topics ct WHERE ct.course_id = c.id))`)).toBe(0);
    expect(await count(first, 'SELECT 1 FROM ai_analytics.course_catalogue')).toBe(await count(first, 'SELECT 1 FROM learning.courses'));
    // Every enrollment ever made; popularity and co-enrollments recounted from them.
    expect(await count(first, `SELECT user_id, course_id FROM learning.enrollments
      EXCEPT SELECT user_id, course_id FROM ai_analytics.course_enrollments`)).toBe(0);
    expect(await count(first, 'SELECT 1 FROM ai_analytics.course_enrollments')).toBe(await count(first, 'SELECT 1 FROM learning.enrollments'));
    expect(await count(first, `SELECT 1 FROM ai_analytics.course_popularity p
      WHERE p.enrollments <> (SELECT count(*) FROM learning.enrollments e WHERE e.course_id = p.course_id)`)).toBe(0);
    const recount = `SELECT a.course_id, b.course_id AS similar_course_id, count(*)::int AS n FROM learning.enrollments a
      JOIN learning.enrollments b ON b.user_id = a.user_id AND b.course_id <> a.course_id GROUP BY 1, 2`;
    expect(await count(first, `(${recount}) EXCEPT SELECT course_id, similar_course_id, co_enrollments FROM ai_analytics.course_similarity`)).toBe(0);
    expect(await count(first, `SELECT course_id, similar_course_id, co_enrollments FROM ai_analytics.course_similarity EXCEPT (${recount})`)).toBe(0);
    // Events: the copy matches scheduling's, tasks are one per kind, accepted by the organizer.
    expect(await count(first, `SELECT id, slug, name, organizer_id, starts_at, ends_at FROM scheduling.events
      EXCEPT SELECT event_id, slug, name, organizer_id, starts_at, ends_at FROM ai_analytics.scheduled_events`)).toBe(0);
    expect(await count(first, 'SELECT 1 FROM ai_analytics.scheduled_events')).toBe(await count(first, 'SELECT 1 FROM scheduling.events'));
    expect(await count(first, "SELECT 1 FROM ai_analytics.event_tasks WHERE status = 'ACCEPTED'")).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM ai_analytics.event_tasks t JOIN ai_analytics.scheduled_events e ON e.event_id = t.event_id
      WHERE t.status = 'ACCEPTED' AND t.accepted_by <> e.organizer_id`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM ai_analytics.event_tasks t JOIN ai_analytics.scheduled_events e ON e.event_id = t.event_id
      WHERE t.kind = 'book_venue' AND t.due_at <> e.starts_at - interval '30 days'`)).toBe(0);
  });

  it("records the domain events of the last 90 days as ai-analytics' consumers would, and gives the demo analyst saved reports over them", async () => {
    const from = new Date(NOW.getTime() - 90 * 86_400_000 - (NOW.getTime() % 86_400_000)).toISOString();
    const to = new Date(NOW.getTime() - (NOW.getTime() % 86_400_000)).toISOString();
    const inWindow = (column: string) => `${column} >= '${from}' AND ${column} < '${to}'`;
    // Each kind of row within the window is one event of the consumer's name, for its user at its time.
    const sources: Record<string, string> = {
      'user.registered': `SELECT id::text AS key, id AS user_id, created_at AS at FROM identity.users WHERE ${inWindow('created_at')}`,
      'enrollment.created': `SELECT id::text, user_id, enrolled_at FROM learning.enrollments WHERE ${inWindow('enrolled_at')}`,
      'course.completed': `SELECT id::text, user_id, completed_at FROM learning.enrollments WHERE status = 'COMPLETED' AND ${inWindow('completed_at')}`,
      'certificate.issued': `SELECT id::text, user_id, issued_at FROM learning.certificates WHERE ${inWindow('issued_at')}`,
      'registration.confirmed': `SELECT id::text, user_id, confirmed_at FROM scheduling.registrations WHERE ${inWindow('confirmed_at')}`,
      'attendance.recorded': `SELECT registration_id::text, user_id, recorded_at FROM scheduling.attendance_records WHERE ${inWindow('recorded_at')}`,
      'coaching_session.booked': `SELECT id::text, learner_id, created_at FROM scheduling.coaching_sessions WHERE ${inWindow('created_at')}`,
      'order.paid': `SELECT id::text, user_id, paid_at FROM commerce.orders WHERE paid_at IS NOT NULL AND ${inWindow('paid_at')}`,
      'refund.decided': `SELECT f.id::text, o.user_id, f.decided_at FROM commerce.refunds f JOIN commerce.orders o ON o.id = f.order_id WHERE ${inWindow('f.decided_at')}`,
    };
    const mismatches: Record<string, number> = {};
    const recorded: Record<string, number> = {};
    for (const [name, rows] of Object.entries(sources)) {
      const events = `SELECT md5('${name}:' || key)::uuid AS source_event_id, user_id, at FROM (${rows}) r(key, user_id, at)`;
      const stored = `SELECT source_event_id, user_id, occurred_at FROM ai_analytics.analytics_events WHERE name = '${name}'`;
      mismatches[name] = await count(first, `(${events} EXCEPT ${stored}) UNION ALL (${stored} EXCEPT ${events})`);
      recorded[name] = await count(first, stored);
    }
    expect(mismatches).toEqual(Object.fromEntries(Object.keys(sources).map((name) => [name, 0])));
    for (const name of ['user.registered', 'enrollment.created', 'course.completed', 'registration.confirmed', 'order.paid', 'refund.decided']) {
      expect({ name, recorded: recorded[name]! > 0 }).toEqual({ name, recorded: true });
    }
    expect(await count(first, "SELECT 1 FROM ai_analytics.analytics_events WHERE name = 'order.refunded'")).toBeGreaterThan(0);
    // eventCounts reads the rollups: they hold the domain events, hour by hour.
    expect(
      await count(
        first,
        `SELECT 1 FROM (SELECT sum(events) AS n FROM ai_analytics.event_hour_counts WHERE name = 'enrollment.created') h
         WHERE h.n = (SELECT count(*) FROM learning.enrollments WHERE ${inWindow('enrolled_at')})`,
      ),
    ).toBe(1);
    // A domain event's properties carry what the consumer keeps of its payload.
    const [paid] = await query<{ properties: { orderId: string; userId: string; items: { kind: string }[] }; user_id: string }>(
      first,
      "SELECT properties, user_id FROM ai_analytics.analytics_events WHERE name = 'order.paid' ORDER BY occurred_at LIMIT 1",
    );
    expect(paid!.properties.userId).toBe(paid!.user_id);
    expect(paid!.properties.items.length).toBeGreaterThan(0);

    // The demo analyst's reports: snapshots over the last days, the first counting enrollments per day.
    const reports = await query<{ name: string; report_type: string; shared: boolean; email: string; result: { range: { from: string; to: string }; series: { total: number; points: { bucket: string; value: number; withheld: boolean }[] } | null; funnelSteps: unknown[] | null } }>(
      first,
      `SELECT r.name, r.report_type, r.shared, u.email, r.result FROM ai_analytics.analytics_reports r JOIN identity.users u ON u.id = r.created_by ORDER BY r.name`,
    );
    expect(reports.map((r) => [r.report_type, r.shared, r.email])).toEqual([
      ['FUNNEL', true, 'analyst@academy.local'],
      ['EVENT_COUNTS', true, 'analyst@academy.local'],
      ['ACTIVE_USERS', false, 'analyst@academy.local'],
    ]);
    const enrollments = reports.find((r) => r.report_type === 'EVENT_COUNTS')!.result;
    expect(enrollments.range).toEqual({ from: new Date(Date.parse(to) - 30 * 86_400_000).toISOString(), to });
    const perDay = await query<{ bucket: string; n: number; users: number }>(
      first,
      `SELECT to_char(date_trunc('day', enrolled_at, 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS bucket, count(*)::int AS n, count(DISTINCT user_id)::int AS users
       FROM learning.enrollments WHERE enrolled_at >= $1 AND enrolled_at < $2 GROUP BY 1`,
      [enrollments.range.from, enrollments.range.to],
    );
    const expected = enrollments.series!.points.map((p) => {
      const day = perDay.find((d) => d.bucket === p.bucket);
      const withheld = !!day && day.users < 5;
      return { bucket: p.bucket, value: withheld ? 0 : (day?.n ?? 0), withheld };
    });
    expect(enrollments.series!.points).toEqual(expected);
    expect(enrollments.series!.points).toHaveLength(30);
    expect(enrollments.series!.total).toBe(expected.reduce((sum, p) => sum + p.value, 0));
    expect(enrollments.series!.total).toBeGreaterThan(0);
    const funnel = reports.find((r) => r.report_type === 'FUNNEL')!.result;
    expect(funnel.funnelSteps).toHaveLength(3);
    expect(funnel.series).toBeNull();
  });

  it("gives commerce the orders, payments, tickets and copies that agree with scheduling's registrations and learning's enrollments", async () => {
    const priced = `SELECT p.course_id FROM commerce.prices p WHERE p.course_id IS NOT NULL AND p.amount_minor > 0`;
    // Every paid seat of a priced course has exactly one PAID order with its SESSION_SEAT item; a held seat a PENDING order or none.
    const seatOrders = (statuses: string) => `SELECT r.id, count(o.id) FILTER (WHERE o.status IN ('PAID', 'PARTIALLY_REFUNDED')) AS paid, count(o.id) FILTER (WHERE o.status IN ('PAID', 'PARTIALLY_REFUNDED', 'PENDING')) AS live
      FROM scheduling.registrations r JOIN scheduling.training_sessions s ON s.id = r.session_id
      LEFT JOIN commerce.order_items i ON i.registration_id = r.id AND i.kind = 'SESSION_SEAT' LEFT JOIN commerce.orders o ON o.id = i.order_id AND o.user_id = r.user_id
      WHERE r.status IN (${statuses}) AND s.course_id IN (${priced}) GROUP BY r.id`;
    expect(await count(first, seatOrders("'CONFIRMED', 'ATTENDED', 'NO_SHOW'"))).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM (${seatOrders("'CONFIRMED', 'ATTENDED', 'NO_SHOW'")}) x WHERE paid <> 1 OR live <> 1`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM (${seatOrders("'PENDING_PAYMENT'")}) x WHERE paid > 0 OR live > 1`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM commerce.orders o JOIN commerce.order_items i ON i.order_id = o.id
      JOIN scheduling.registrations r ON r.id = i.registration_id WHERE o.status = 'PENDING' AND r.status <> 'PENDING_PAYMENT'`)).toBe(0);
    // Enrollments in priced courses were bought: ORDER source with the user's PAID COURSE_ACCESS order; the others FREE.
    expect(await count(first, `SELECT 1 FROM learning.enrollments e WHERE e.source = 'ORDER'`)).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM learning.enrollments e WHERE (e.source = 'ORDER') <> (e.course_id IN (${priced}))`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM learning.enrollments e WHERE e.source = 'ORDER' AND NOT EXISTS (
      SELECT 1 FROM commerce.orders o JOIN commerce.order_items i ON i.order_id = o.id
      WHERE o.id = e.order_id AND o.user_id = e.user_id AND o.status IN ('PAID', 'PARTIALLY_REFUNDED') AND i.kind = 'COURSE_ACCESS' AND i.course_id = e.course_id)`)).toBe(0);
    // Totals: items add up to the subtotal, the discount is the redemption's, paid orders are paid exactly once.
    expect(await count(first, `SELECT 1 FROM commerce.orders o WHERE o.subtotal_minor <> (SELECT sum(i.total_minor) FROM commerce.order_items i WHERE i.order_id = o.id)
      OR o.total_minor <> o.subtotal_minor - o.discount_minor
      OR o.discount_minor <> coalesce((SELECT d.amount_minor FROM commerce.discount_redemptions d WHERE d.order_id = o.id), 0)
      OR (o.status IN ('PAID', 'PARTIALLY_REFUNDED')) <> EXISTS (SELECT 1 FROM commerce.payments p WHERE p.order_id = o.id AND p.status = 'SUCCEEDED')
      OR EXISTS (SELECT 1 FROM commerce.payments p WHERE p.order_id = o.id AND p.status = 'SUCCEEDED' AND (p.amount_minor <> o.total_minor OR p.currency <> o.currency))`)).toBe(0);
    expect(await count(first, 'SELECT 1 FROM commerce.discount_redemptions')).toBeGreaterThan(0);
    expect(await count(first, `SELECT 1 FROM commerce.discount_codes c WHERE c.usage_count <> (
      SELECT count(*) FROM commerce.discount_redemptions d WHERE d.discount_code_id = c.id AND d.released_at IS NULL)`)).toBe(0);
    expect(await count(first, 'SELECT reference FROM commerce.orders GROUP BY reference HAVING count(*) > 1')).toBe(0);
    // Copies: sessions, events and course titles as scheduling and learning have them; seat holds for priced registrations.
    expect(await count(first, `SELECT id, course_id, starts_at, ends_at FROM scheduling.training_sessions
      EXCEPT SELECT id, course_id, starts_at, ends_at FROM commerce.sessions`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM commerce.sessions c JOIN scheduling.training_sessions s ON s.id = c.id WHERE (c.status = 'CANCELLED') <> (s.status = 'CANCELLED')`)).toBe(0);
    expect(await count(first, `SELECT id, slug, name, organizer_id, starts_at, ends_at FROM scheduling.events
      EXCEPT SELECT id, slug, name, organizer_id, starts_at, ends_at FROM commerce.events`)).toBe(0);
    expect(await count(first, `SELECT id, title FROM learning.courses WHERE status <> 'DRAFT' EXCEPT SELECT id, title FROM commerce.courses`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM scheduling.registrations r JOIN scheduling.training_sessions s ON s.id = r.session_id
      LEFT JOIN commerce.seat_holds h ON h.registration_id = r.id
      WHERE s.course_id IN (${priced}) AND (h.registration_id IS NULL OR h.user_id <> r.user_id OR h.status <> CASE r.status
        WHEN 'PENDING_PAYMENT' THEN 'HELD' WHEN 'CANCELLED' THEN 'CANCELLED' WHEN 'EXPIRED' THEN 'EXPIRED' ELSE 'CONFIRMED' END)`)).toBe(0);
    // Tickets: sold counts live orders' tickets; each paid ticket line has its tickets, for the attendees named or the buyer.
    expect(await count(first, `SELECT 1 FROM commerce.ticket_types t WHERE t.sold <> (SELECT coalesce(sum(i.quantity), 0) FROM commerce.order_items i
      JOIN commerce.orders o ON o.id = i.order_id WHERE i.ticket_type_id = t.id AND o.status IN ('PENDING', 'PAID', 'PARTIALLY_REFUNDED'))`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM commerce.order_items i JOIN commerce.orders o ON o.id = i.order_id WHERE i.kind = 'EVENT_TICKET'
      AND i.quantity <> (SELECT count(*) FROM commerce.tickets t WHERE t.order_item_id = i.id) AND o.status IN ('PAID', 'PARTIALLY_REFUNDED')`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM commerce.tickets t JOIN commerce.orders o ON o.id = t.order_id WHERE o.status NOT IN ('PAID', 'PARTIALLY_REFUNDED') OR o.user_id <> t.buyer_id`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM commerce.order_items i WHERE i.kind = 'EVENT_TICKET'
      AND (SELECT count(*) FROM commerce.order_item_attendees a WHERE a.order_item_id = i.id) NOT IN (0, i.quantity)`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM commerce.tickets t LEFT JOIN commerce.order_item_attendees a ON a.order_item_id = t.order_item_id AND a.position = t.position
      WHERE a.name IS DISTINCT FROM t.attendee_name OR a.email IS DISTINCT FROM t.attendee_email OR (a.name IS NULL) <> (t.attendee_user_id IS NOT DISTINCT FROM t.buyer_id)`)).toBe(0);
    expect(await count(first, `SELECT 1 FROM commerce.tickets t JOIN commerce.events e ON e.id = t.event_id
      WHERE t.status = 'CHECKED_IN' AND (t.checked_in_by <> e.organizer_id OR e.starts_at > '${NOW.toISOString()}')`)).toBe(0);
    expect(await count(first, "SELECT 1 FROM commerce.tickets WHERE status = 'CHECKED_IN'")).toBeGreaterThan(0);
    expect(await count(first, "SELECT 1 FROM commerce.tickets WHERE status = 'VALID'")).toBeGreaterThan(0);
    // The demo learner holds tickets for an upcoming event.
    expect(await count(first, `SELECT 1 FROM commerce.tickets t JOIN identity.users u ON u.id = t.buyer_id JOIN identity.user_roles r ON r.user_id = u.id AND r.role = 'LEARNER'
      JOIN commerce.events e ON e.id = t.event_id WHERE u.password_hash IS NOT NULL AND e.starts_at > '${NOW.toISOString()}'`)).toBeGreaterThan(0);
  });

  it('points every cross-schema id at an existing row', async () => {
    const orphans: Record<string, string> = {
      'courses.author_id': 'SELECT 1 FROM learning.courses c WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = c.author_id)',
      'enrollments.user_id': 'SELECT 1 FROM learning.enrollments e WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = e.user_id)',
      'enrollments in drafts': "SELECT 1 FROM learning.enrollments e JOIN learning.courses c ON c.id = e.course_id WHERE c.status = 'DRAFT'",
      'lesson_progress.user_id': 'SELECT 1 FROM learning.lesson_progress p WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = p.user_id)',
      'lesson_progress without enrollment': `SELECT 1 FROM learning.lesson_progress p JOIN learning.lessons l ON l.id = p.lesson_id JOIN learning.modules m ON m.id = l.module_id
        WHERE NOT EXISTS (SELECT 1 FROM learning.enrollments e WHERE e.user_id = p.user_id AND e.course_id = m.course_id)`,
      'certificates.user_id': 'SELECT 1 FROM learning.certificates c WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = c.user_id)',
      'trainers.user_id': `SELECT 1 FROM scheduling.trainers t WHERE NOT EXISTS (
        SELECT 1 FROM identity.user_roles r WHERE r.user_id = t.user_id AND r.role = 'TRAINER')`,
      'training_sessions.course_id': 'SELECT 1 FROM scheduling.training_sessions s WHERE NOT EXISTS (SELECT 1 FROM learning.courses c WHERE c.id = s.course_id)',
      'coaching_sessions.learner_id': 'SELECT 1 FROM scheduling.coaching_sessions c WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = c.learner_id)',
      'session_feedback.user_id': 'SELECT 1 FROM scheduling.session_feedback f WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = f.user_id)',
      'prices.course_id': 'SELECT 1 FROM commerce.prices p WHERE p.course_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM learning.courses c WHERE c.id = p.course_id)',
      'prices.session_id': `SELECT 1 FROM commerce.prices p WHERE p.session_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM scheduling.training_sessions s WHERE s.id = p.session_id)`,
      'registrations.user_id': 'SELECT 1 FROM scheduling.registrations r WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = r.user_id)',
      'course_prices.course_id': 'SELECT 1 FROM scheduling.course_prices p WHERE NOT EXISTS (SELECT 1 FROM learning.courses c WHERE c.id = p.course_id)',
      'chat_rooms.session_id': `SELECT 1 FROM community.chat_rooms r WHERE r.session_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM scheduling.training_sessions s WHERE s.id = r.session_id)`,
      'chat_rooms.created_by': 'SELECT 1 FROM community.chat_rooms r WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = r.created_by)',
      'chat_room_members.user_id': 'SELECT 1 FROM community.chat_room_members m WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = m.user_id)',
      'chat_messages.sender_id': 'SELECT 1 FROM community.chat_messages m WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = m.sender_id)',
      'notifications.user_id': 'SELECT 1 FROM community.notifications n WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = n.user_id)',
      'posts.author_id': 'SELECT 1 FROM community.posts p WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = p.author_id)',
      'post_comments.author_id': 'SELECT 1 FROM community.post_comments c WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = c.author_id)',
      'post_reactions.user_id': 'SELECT 1 FROM community.post_reactions x WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = x.user_id)',
      'post_mentions.user_id': 'SELECT 1 FROM community.post_mentions x WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = x.user_id)',
      'content_reports.reporter_id': 'SELECT 1 FROM community.content_reports r WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = r.reporter_id)',
      'analytics_events.user_id': `SELECT 1 FROM ai_analytics.analytics_events a WHERE a.user_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = a.user_id)`,
      'course_documents.course_id': `SELECT 1 FROM ai_analytics.course_documents d WHERE NOT EXISTS (
        SELECT 1 FROM learning.courses c WHERE c.id = d.course_id AND c.slug = d.slug AND c.title = d.title AND c.status = d.status)`,
      'courses without document': `SELECT 1 FROM learning.courses c WHERE c.status <> 'DRAFT'
        AND NOT EXISTS (SELECT 1 FROM ai_analytics.course_documents d WHERE d.course_id = c.id)`,
      'ai_conversations.user_id': 'SELECT 1 FROM ai_analytics.ai_conversations a WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = a.user_id)',
      'ai_messages.citations': `SELECT 1 FROM ai_analytics.ai_messages m, unnest(m.citations) AS cited(id)
        WHERE NOT EXISTS (SELECT 1 FROM learning.courses c WHERE c.id = cited.id AND c.status = 'PUBLISHED')`,
      'ai_usage without its messages': `SELECT 1 FROM ai_analytics.ai_usage u WHERE u.tokens_in + u.tokens_out <> (
        SELECT coalesce(sum(m.token_count), 0) FROM ai_analytics.ai_messages m JOIN ai_analytics.ai_conversations a ON a.id = m.conversation_id
        WHERE a.user_id = u.user_id AND (m.created_at AT TIME ZONE 'UTC')::date = u.day)`,
      'session_topics.topic_id': `SELECT 1 FROM scheduling.session_topics t WHERE t.topic_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM learning.topics l WHERE l.id = t.topic_id)`,
      'events.organizer_id': `SELECT 1 FROM scheduling.events e WHERE NOT EXISTS (
        SELECT 1 FROM identity.user_roles r WHERE r.user_id = e.organizer_id AND r.role = 'ORGANIZER')`,
    };
    const found: Record<string, number> = {};
    for (const [name, sql] of Object.entries(orphans)) found[name] = await count(first, sql);
    expect(found).toEqual(Object.fromEntries(Object.keys(orphans).map((name) => [name, 0])));
    // Every session has its chat room.
    expect(await count(first, 'SELECT 1 FROM community.chat_rooms WHERE kind = \'SESSION\'')).toBe(await count(first, 'SELECT 1 FROM scheduling.training_sessions'));
  });

  it('produces the same rows for the same scale', async () => {
    const again = await seed({ adminUrl: second.adminUrl, scale: SCALE, now: NOW });
    expect(again.counts).toEqual(seeded.counts);
    const hashes = await contentHashes(first);
    // Message and notification ids, times and texts included.
    expect(Object.keys(hashes)).toEqual(expect.arrayContaining(['community.chat_messages', 'community.notifications']));
    expect(await contentHashes(second)).toEqual(hashes);
  });

  it('hashes the account passwords with argon2id and leaves synthetic users without one', async () => {
    expect(seeded.admin.email).toBe('admin@academy.local');
    expect(seeded.admin.password).toEqual(expect.any(String));
    expect(seeded.demoUsers.map((u) => u.role).sort()).toEqual([...DEMO_ROLES].sort());
    const accounts = [{ email: seeded.admin.email, password: seeded.admin.password ?? '' }, ...seeded.demoUsers];
    const rows = await query<{ email: string; password_hash: string }>(
      first,
      'SELECT email, password_hash FROM identity.users WHERE password_hash IS NOT NULL ORDER BY email',
    );
    expect(rows.map((r) => r.email)).toEqual(accounts.map((a) => a.email).sort());
    for (const account of accounts) {
      const hash = rows.find((r) => r.email === account.email)?.password_hash ?? '';
      expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
      expect(await verify(hash, account.password)).toBe(true);
      expect(await verify(hash, `${account.password}x`)).toBe(false);
    }
    const [admin] = await query<{ roles: string[] }>(
      first,
      'SELECT array_agg(r.role) AS roles FROM identity.user_roles r JOIN identity.users u ON u.id = r.user_id WHERE u.email = $1',
      [seeded.admin.email],
    );
    expect(admin?.roles).toEqual(['ADMIN']);
    expect(await count(first, 'SELECT 1 FROM identity.users WHERE email <> lower(email)')).toBe(0);
  });

  it('does nothing when users already exist', async () => {
    const before = await contentHashes(first);
    const again = await seed({ adminUrl: first.adminUrl, scale: SCALE, now: NOW });
    expect(again).toEqual({ seeded: false, counts: seeded.counts, admin: { email: 'admin@academy.local' }, demoUsers: [] });
    expect(await contentHashes(first)).toEqual(before);
  });

  it('takes the admin from the options, refusing a short password before writing anything', async () => {
    await expect(seed({ adminUrl: custom.adminUrl, scale: SCALE, adminPassword: 'too-short' })).rejects.toThrow(/at least 12 characters/);
    expect(await count(custom, 'SELECT 1 FROM identity.users')).toBe(0);

    const password = 'correct horse battery staple';
    const result = await seed({ adminUrl: custom.adminUrl, scale: SCALE, adminEmail: ' Owner@Example.COM ', adminPassword: password });
    expect(result.admin).toEqual({ email: 'owner@example.com' });
    const [row] = await query<{ password_hash: string }>(custom, 'SELECT password_hash FROM identity.users WHERE email = $1', ['owner@example.com']);
    expect(await verify(row?.password_hash ?? '', password)).toBe(true);
  });
});
