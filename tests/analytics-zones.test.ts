// Figures cut at another zone's midnights, through the gateway: a zone without counters of its
// own is counted from the hourly actor sets, a kept zone (ANALYTICS_TIME_ZONES) reads counters
// kept by the insert trigger or filled when the zone is first kept; both answer exactly what the
// events themselves say, across a daylight-saving change.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { keepZoneRollups } from '@academy/subgraph-ai-analytics';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { adminRows, withAdmin } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

const FIGURES = /* GraphQL */ `
  query Zoned($range: TimeRange!, $granularity: Granularity!, $timeZone: String, $name: String!) {
    activeUsers(range: $range, granularity: $granularity, timeZone: $timeZone) { total points { bucket value withheld } }
    eventCounts(name: $name, range: $range, granularity: $granularity, timeZone: $timeZone) { total points { bucket value withheld } }
  }
`;

type Series = { total: number; points: { bucket: string; value: number; withheld: boolean }[] };

let stack: TestStack;
let analyst: SignedUpUser;
let db: Kysely<never>;

/** Berlin moved from +01:00 to +02:00 at 01:00 UTC on 29 March 2026; the range covers March and April. */
const RANGE = { from: '2026-03-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' };
const NAME = 'zone_lesson_opened';

/**
 * Six events per time, of six distinct actors (users and visitors, so no bucket is under the
 * minimum group size of 5), at times around local midnights and the DST change; `group` picks
 * which actors.
 */
async function record(times: string[], group: number): Promise<void> {
  await withAdmin(stack.database.adminUrl, async (client) => {
    for (const [i, time] of times.entries()) {
      // One statement per time: the trigger runs per statement, as for a batch of trackEvents.
      await client.query(
        `INSERT INTO ai_analytics.analytics_events (name, anonymous_id, user_id, occurred_at, properties)
         SELECT CASE WHEN g % 3 = 0 THEN 'zone_other' ELSE $1 END,
           CASE WHEN g % 2 = 0 THEN 'zone-visitor-' || $2::int || '-' || g END,
           CASE WHEN g % 2 = 1 THEN md5('zone-user-' || $2::int || '-' || g)::uuid END,
           $3::timestamptz + g * interval '1 second', '{}'
         FROM generate_series(0, 5) AS g`,
        [NAME, group * 100 + (i % 4), time],
      );
    }
  });
}

const MIN_GROUP_SIZE = 5;
type Point = { value: number; withheld: boolean };
/** A figure of `users` distinct users as the API shows it: withheld under the minimum group size. */
const shown = (value: number, users: number): Point => (users > 0 && users < MIN_GROUP_SIZE ? { value: 0, withheld: true } : { value, withheld: false });

/** What the events themselves say, cut in `zone`: distinct actors of any event, and events of NAME, per bucket. */
async function truth(zone: string, unit: 'day' | 'week' | 'month'): Promise<{ active: Map<string, Point>; counts: Map<string, Point> }> {
  const rows = await adminRows<{ bucket: Date; actors: number; events: number; named: number }>(
    stack.database.adminUrl,
    `SELECT date_trunc($2, occurred_at, $1) AS bucket, count(DISTINCT actor)::int AS actors,
       count(*) FILTER (WHERE name = $3)::int AS events, count(DISTINCT actor) FILTER (WHERE name = $3)::int AS named
     FROM ai_analytics.analytics_events
     WHERE occurred_at >= $4 AND occurred_at < $5 AND name LIKE 'zone\\_%'
     GROUP BY 1`,
    [zone, unit, NAME, RANGE.from, RANGE.to],
  );
  return {
    active: new Map(rows.map((r) => [r.bucket.toISOString(), shown(r.actors, r.actors)])),
    counts: new Map(rows.map((r) => [r.bucket.toISOString(), shown(r.events, r.named)])),
  };
}

async function figures(zone: string, granularity: 'DAY' | 'WEEK' | 'MONTH'): Promise<{ activeUsers: Series; eventCounts: Series }> {
  const answer = await stack.query<{ activeUsers: Series; eventCounts: Series }>(
    FIGURES,
    { range: RANGE, granularity, timeZone: zone, name: NAME },
    { authorization: `Bearer ${analyst.accessToken}` },
  );
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data!;
}

/** Every bucket of the answers equals the events' own figure (0 where there were none). */
async function expectTruth(zone: string, granularity: 'DAY' | 'WEEK' | 'MONTH'): Promise<{ activeUsers: Series; eventCounts: Series }> {
  const unit = granularity.toLowerCase() as 'day' | 'week' | 'month';
  const [answer, expected] = await Promise.all([figures(zone, granularity), truth(zone, unit)]);
  expect(answer.activeUsers.points.some((p) => p.value > 0)).toBe(true);
  const none: Point = { value: 0, withheld: false };
  for (const [series, want] of [[answer.activeUsers, expected.active], [answer.eventCounts, expected.counts]] as const) {
    for (const { bucket, value, withheld } of series.points) expect({ bucket, value, withheld }).toEqual({ bucket, ...(want.get(bucket) ?? none) });
  }
  return answer;
}

const keptZones = () => adminRows<{ zone: string }>(stack.database.adminUrl, 'SELECT zone FROM ai_analytics.rollup_zones ORDER BY zone').then((rows) => rows.map((r) => r.zone));
const counters = (zone: string) =>
  adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM ai_analytics.zone_event_actor_counts WHERE zone = $1', [zone]).then((rows) => rows[0]!.n);

// Around Berlin's midnights (22:00/23:00 UTC, before and after the change), a UTC midnight, and mid-day.
const FIRST = ['2026-03-27T22:30:00Z', '2026-03-27T23:10:00Z', '2026-03-28T22:59:00Z', '2026-03-28T23:00:00Z', '2026-03-29T21:59:00Z', '2026-03-29T22:00:00Z', '2026-03-30T00:00:00Z', '2026-04-02T12:00:00Z'];
const LATER = ['2026-03-29T00:30:00Z', '2026-03-29T22:30:00Z', '2026-04-05T21:30:00Z', '2026-04-30T22:30:00Z'];

beforeAll(async () => {
  stack = await startStack();
  analyst = await signUpWithRoles(stack, 'ZoneAnalyst', ['ANALYST']);
  db = new Kysely<never>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: stack.database.adminUrl, max: 1 }) }) });
  await record(FIRST, 1);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await stack?.stop();
});

describe('figures in a time zone', () => {
  it('keeps the zones it is configured with: Europe/London by default', async () => {
    expect(await keptZones()).toEqual(['Europe/London']);
    expect(await counters('Europe/London')).toBeGreaterThan(0);
  });

  it('counts a zone without counters from the hourly sets, exactly', async () => {
    expect(await counters('Europe/Berlin')).toBe(0);
    for (const granularity of ['DAY', 'WEEK', 'MONTH'] as const) await expectTruth('Europe/Berlin', granularity);
  });

  it('gives the same answers once the zone is kept: counters filled from the events so far, then by the trigger', async () => {
    const before = await figures('Europe/Berlin', 'DAY');
    expect(await keepZoneRollups(db as never, ['Europe/London', 'Europe/Berlin'])).toEqual(['Europe/Berlin']);
    expect(await keptZones()).toEqual(['Europe/Berlin', 'Europe/London']);
    expect(await counters('Europe/Berlin')).toBeGreaterThan(0);
    // Keeping it again changes nothing.
    expect(await keepZoneRollups(db as never, ['Europe/London', 'Europe/Berlin'])).toEqual([]);
    expect(await figures('Europe/Berlin', 'DAY')).toEqual(before);
    for (const granularity of ['DAY', 'WEEK', 'MONTH'] as const) await expectTruth('Europe/Berlin', granularity);

    // New events, some of the same actors (group 1 again) and some new: kept by the trigger.
    await record(LATER, 1);
    await record(LATER, 2);
    const after = await expectTruth('Europe/Berlin', 'DAY');
    expect(after.activeUsers.total).toBeGreaterThan(before.activeUsers.total);
    for (const granularity of ['WEEK', 'MONTH'] as const) await expectTruth('Europe/Berlin', granularity);
    // London's counters were kept alongside all along.
    for (const granularity of ['DAY', 'WEEK', 'MONTH'] as const) await expectTruth('Europe/London', granularity);
  });

  it('stops keeping a zone no longer listed, and answers it from the hourly sets again', async () => {
    await keepZoneRollups(db as never, ['Europe/London']);
    expect(await keptZones()).toEqual(['Europe/London']);
    expect(await counters('Europe/Berlin')).toBe(0);
    await expectTruth('Europe/Berlin', 'DAY');
  });

  it('refuses a zone name PostgreSQL does not know when asked to keep it', async () => {
    await expect(keepZoneRollups(db as never, ['Europe/Atlantis'])).rejects.toThrow(/time zone/);
    expect(await keptZones()).toEqual(['Europe/London']);
  });
});
