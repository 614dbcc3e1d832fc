import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, queryRows, type TestDatabase } from '@academy/service-kit/testing';
import { verify } from '@node-rs/argon2';
import pg from 'pg';
import { deferConstraints } from '../src/seed/bulk-insert.js';
import { DEMO_ROLES, REFERENCE_COURSES, SEEDED_TABLES, TOPICS, VENUES, seed, seedSizes, type SeedResult } from '../src/seed/index.js';

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
    // About 20 events per user who can produce them (everyone but the admin and five demo accounts).
    const perUser = (await count(first, 'SELECT 1 FROM ai_analytics.analytics_events WHERE user_id IS NOT NULL')) / (sizes.users + 1);
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
    expect(seeded.counts['community.notifications']).toBe(expected);
    // One per membership: for its member, about its room, at the moment of joining.
    expect(
      await count(
        first,
        `SELECT 1 FROM community.notifications n WHERE n.type <> 'CHAT_ROOM_MEMBER_ADDED' OR NOT EXISTS (
           SELECT 1 FROM community.chat_room_members m JOIN community.chat_rooms r ON r.id = m.room_id
           WHERE m.user_id = n.user_id AND r.id = (n.data->>'roomId')::uuid AND n.action_url = '/chat/' || r.id
             AND (n.data->>'addedBy')::uuid = r.created_by AND n.created_at = m.joined_at)`,
      ),
    ).toBe(0);
    expect(await count(first, 'SELECT 1 FROM community.notifications WHERE read_at <= created_at')).toBe(0);
    const read = await count(first, 'SELECT 1 FROM community.notifications WHERE read_at IS NOT NULL');
    expect(read).toBeGreaterThan(expected / 4);
    expect(read).toBeLessThan(expected);
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
      'analytics_events.user_id': `SELECT 1 FROM ai_analytics.analytics_events a WHERE a.user_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = a.user_id)`,
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
