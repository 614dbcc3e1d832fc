// pnpm bench:analytics [--events 10000000] [--runs 30] [--zones Europe/Berlin] [--keep]: loads that
// many analytics events into a scratch database on DATABASE_URL's server (an embedded PostgreSQL
// when unset), through the same insert triggers that keep the rollups for requests and consumers
// (UTC's, and those of the kept zones, as ANALYTICS_TIME_ZONES would list them), then times the
// analyst figures over a year of daily buckets and appends the figures to BENCHMARKS.md.
//
// The events are a year of visits: about 14 events each, one actor per visit (100,000 users,
// the busier ones more often, one visit in ten by an anonymous visitor), 20 event names of
// skewed popularity, visits spread evenly over 2025.
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate, SUBGRAPH_DATABASES, startEmbeddedPostgres, type EmbeddedServer } from '../db/src/index.js';
import { ROOT } from '../scripts/composition.js';
import type { AiAnalyticsDatabase } from '../subgraphs/ai-analytics/src/db/database.js';
import { ANY_EVENT, figuresPerBucket, funnelCounts } from '../subgraphs/ai-analytics/src/repositories/analytics-figures.repository.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const EVENTS = option('events', 10_000_000);
const zonesAt = process.argv.indexOf('--zones');
const ZONES = zonesAt >= 0 ? (process.argv[zonesAt + 1] ?? '').split(',').filter((zone) => zone !== '') : ['Europe/Berlin'];
const RUNS = option('runs', 30);
const CHUNK = 250_000;
const EVENTS_PER_VISIT = 14;
const USERS = 100_000;
const NAMES = [
  'page_view', 'course_viewed', 'search_performed', 'lesson_started', 'lesson_completed', 'session_viewed',
  'enrollment_started', 'enrollment_completed', 'checkout_started', 'checkout_completed', 'quiz_submitted',
  'chat_message_sent', 'certificate_downloaded', 'video_played', 'material_opened', 'profile_updated',
  'notification_opened', 'coaching_viewed', 'path_viewed', 'share_clicked',
];
const YEAR_FROM = new Date('2025-01-01T00:00:00Z');
const YEAR_TO = new Date('2026-01-01T00:00:00Z');

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  let embedded: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    dataDir = await mkdtemp(join(tmpdir(), 'academy-bench-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    serverUrl = embedded.url;
  }
  const database = `academy_bench_analytics_${randomBytes(4).toString('hex')}`;
  const adminUrl = Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
  const log = (line: string) => console.log(`[bench:analytics] ${line}`);
  try {
    const password = randomBytes(12).toString('base64url');
    await migrate({ adminUrl, rolePasswords: Object.fromEntries(SUBGRAPH_DATABASES.map((s) => [s.role, password])) });
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    // Ended below; an error of the load ends the run and drops the database under it.
    client.on('error', () => undefined);
    await client.query("SET work_mem = '256MB'");
    for (const zone of ZONES) await client.query('SELECT ai_analytics.keep_zone_rollups($1)', [zone]);
    const visits = Math.ceil(EVENTS / EVENTS_PER_VISIT);
    const loadStarted = Date.now();
    for (let start = 0; start < EVENTS; start += CHUNK) {
      const stop = Math.min(EVENTS, start + CHUNK) - 1;
      // Deterministic pseudo-random numbers from the event and visit numbers (Knuth's multiplicative hash).
      await client.query(
        `INSERT INTO ai_analytics.analytics_events (name, user_id, anonymous_id, occurred_at, properties)
         SELECT
           ($5::text[])[1 + floor(array_length($5::text[], 1) * power(((g * 2654435761) % 4294967296) / 4294967296.0, 2))::int],
           CASE WHEN v.anonymous THEN NULL ELSE md5('user-' || v.actor)::uuid END,
           CASE WHEN v.anonymous THEN 'anon-' || v.actor END,
           $3::timestamptz + (v.visit::float8 / $4) * ($6::timestamptz - $3::timestamptz) + (g % ${EVENTS_PER_VISIT}) * interval '75 seconds',
           '{}'
         FROM generate_series($1::bigint, $2::bigint) AS g
         CROSS JOIN LATERAL (
           SELECT g / ${EVENTS_PER_VISIT} AS visit,
             ((g / ${EVENTS_PER_VISIT}) * 40503 % 65536) % 10 = 0 AS anonymous,
             floor(${USERS} * power((((g / ${EVENTS_PER_VISIT}) * 2246822519) % 4294967296) / 4294967296.0, 1.5))::int AS actor
         ) AS v`,
        [start, stop, YEAR_FROM, visits, NAMES, YEAR_TO],
      );
      if ((start / CHUNK) % 4 === 3 || stop === EVENTS - 1) log(`${stop + 1} events in ${((Date.now() - loadStarted) / 1000).toFixed(0)} s`);
    }
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    await client.query(
      'VACUUM ANALYZE ai_analytics.analytics_events, ai_analytics.event_hour_counts, ai_analytics.event_actors, ai_analytics.event_actor_counts, ai_analytics.zone_event_actors, ai_analytics.zone_event_actor_counts',
    );
    const sizes = await client.query<{ table: string; rows: string; mb: string }>(
      `SELECT c.relname AS table, c.reltuples::bigint AS rows, round(pg_total_relation_size(c.oid) / 1048576.0) AS mb
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'ai_analytics' AND c.relname IN ('analytics_events', 'event_hour_counts', 'event_actors', 'event_actor_counts', 'zone_event_actors', 'zone_event_actor_counts')
       ORDER BY c.relname`,
    );
    // A trackEvents-sized write on the loaded tables: 1,000 events of 100 actors, now.
    const writeTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await client.query(
        `INSERT INTO ai_analytics.analytics_events (name, user_id, occurred_at, properties)
         SELECT ($2::text[])[1 + g % 20], md5('user-' || (g % 100 + $1::int))::uuid, $3::timestamptz - (g || ' seconds')::interval, '{}'
         FROM generate_series(1, 1000) AS g`,
        [i * 100, NAMES, new Date(YEAR_TO.getTime() - 3600_000)],
      );
      writeTimes.push(performance.now() - t);
    }
    await client.end();

    // As the subgraph's own role, with its settings (statement_timeout, no JIT).
    const roleUrl = Object.assign(new URL(adminUrl), { username: 'academy_ai_analytics', password }).toString();
    const pool = new pg.Pool({ connectionString: roleUrl, max: 1 });
    const db = new Kysely<AiAnalyticsDatabase>({ dialect: new PostgresDialect({ pool }) });
    const year = { from: YEAR_FROM, to: YEAR_TO };
    const cases: { label: string; run: () => Promise<unknown> }[] = [
      { label: 'activeUsers, DAY, UTC (365 buckets)', run: () => figuresPerBucket(db, { name: ANY_EVENT, ...year, unit: 'day', timeZone: 'UTC' }) },
      { label: 'eventCounts(course_viewed), DAY, UTC', run: () => figuresPerBucket(db, { name: 'course_viewed', ...year, unit: 'day', timeZone: 'UTC' }) },
      { label: 'activeUsers, WEEK, UTC', run: () => figuresPerBucket(db, { name: ANY_EVENT, ...year, unit: 'week', timeZone: 'UTC' }) },
      { label: 'activeUsers, MONTH, UTC', run: () => figuresPerBucket(db, { name: ANY_EVENT, ...year, unit: 'month', timeZone: 'UTC' }) },
      ...ZONES.flatMap((zone) => [
        { label: `activeUsers, DAY, ${zone} (kept)`, run: () => figuresPerBucket(db, { name: ANY_EVENT, ...year, unit: 'day', timeZone: zone }) },
        { label: `eventCounts(course_viewed), DAY, ${zone} (kept)`, run: () => figuresPerBucket(db, { name: 'course_viewed', ...year, unit: 'day', timeZone: zone }) },
        { label: `activeUsers, WEEK, ${zone} (kept)`, run: () => figuresPerBucket(db, { name: ANY_EVENT, ...year, unit: 'week', timeZone: zone }) },
        { label: `activeUsers, MONTH, ${zone} (kept)`, run: () => figuresPerBucket(db, { name: ANY_EVENT, ...year, unit: 'month', timeZone: zone }) },
      ]),
      { label: 'activeUsers, DAY, Asia/Tokyo (not kept: hourly sets)', run: () => figuresPerBucket(db, { name: ANY_EVENT, ...year, unit: 'day', timeZone: 'Asia/Tokyo' }) },
      { label: 'funnel(course_viewed → enrollment_started → checkout_completed), year', run: () => funnelCounts(db, { steps: ['course_viewed', 'enrollment_started', 'checkout_completed'], ...year }) },
    ];
    const results: { label: string; runs: number; p50: number; p95: number; max: number }[] = [];
    for (const c of cases) {
      await c.run(); // warm the cache and the plan
      const runs = c.label.startsWith('funnel') ? Math.min(RUNS, 5) : RUNS;
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await c.run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      results.push({ label: c.label, runs, p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: times[times.length - 1] ?? Number.NaN });
      log(`${c.label}: p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms`);
    }
    await db.destroy();

    writeTimes.sort((a, b) => a - b);
    const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
    const lines = [
      `### Analyst figures over ${EVENTS.toLocaleString('en-GB')} analytics events, ${new Date().toISOString().slice(0, 10)}`,
      '',
      `Command: \`pnpm bench:analytics --events ${EVENTS} --runs ${RUNS} --zones ${ZONES.join(',') || '""'}\``,
      `Machine: ${machine}. PostgreSQL on the same machine.`,
      `Data: ${EVENTS.toLocaleString('en-GB')} events in 2025 (visits of ${EVENTS_PER_VISIT} events, ${USERS.toLocaleString('en-GB')} users, one visit in ten anonymous, ${NAMES.length} names), inserted ${CHUNK.toLocaleString('en-GB')} per statement through the rollup triggers (UTC and ${ZONES.length} kept zone${ZONES.length === 1 ? '' : 's'}) in ${loadSeconds.toFixed(0)} s (${Math.round(EVENTS / loadSeconds).toLocaleString('en-GB')} events/s).`,
      `Tables after the load: ${sizes.rows.map((r) => `${r.table} ${Number(r.rows).toLocaleString('en-GB')} rows, ${r.mb} MB`).join('; ')}.`,
      `A 1,000-event insert (100 actors) on the loaded tables, rollups included: p50 ${quantile(writeTimes, 0.5).toFixed(0)} ms, max ${(writeTimes[writeTimes.length - 1] ?? 0).toFixed(0)} ms (10 runs).`,
      '',
      '| query (one statement as academy_ai_analytics, after one warm-up run) | runs | p50 ms | p95 ms | max ms |',
      '|---|---|---|---|---|',
      ...results.map((r) => `| ${r.label} | ${r.runs} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`),
      '',
    ];
    appendFileSync(join(ROOT, 'BENCHMARKS.md'), `${lines.join('\n')}\n`);
    console.log(lines.join('\n'));
  } finally {
    if (!process.argv.includes('--keep')) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    } else log(`kept ${adminUrl}`);
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
