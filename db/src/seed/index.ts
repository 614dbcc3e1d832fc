import pg from 'pg';
import { DEFAULT_ADMIN_EMAIL, prepareAccounts, type DemoRole } from './accounts.js';
import { deferConstraints, deferIndexes, loadTable } from './bulk-insert.js';
import { accountRng, buildDataset } from './dataset.js';
import { seedSizes } from './model.js';
import { SEEDED_TABLES, TABLE_SPECS, type SeededTable } from './tables.js';

export { DEMO_ROLES, DEFAULT_ADMIN_EMAIL, MIN_PASSWORD_LENGTH, PASSWORD_HASH_OPTIONS, demoEmail, type DemoRole } from './accounts.js';
export { seedSizes, type SeedSizes } from './model.js';
export { BROKER_COURSE, REFERENCE_COURSES, TOPICS, VENUES } from './reference-data.js';
export { SEEDED_TABLES, type SeededTable } from './tables.js';

export interface SeedOptions {
  /** URL of a superuser (or the schemas' owner) on the migrated database to fill. */
  adminUrl: string;
  /** Size of the synthetic data: 1 is about 2,000 users and 60 courses; fractions work. Default 1. */
  scale?: number;
  /** Receives progress lines. */
  log?: (line: string) => void;
  /** The admin's email (default admin@academy.local); stored lowercase. */
  adminEmail?: string;
  /** The admin's password; when absent one is generated and returned once. */
  adminPassword?: string;
  /** The moment the data is placed around (default: now). Only its UTC day matters. */
  now?: Date;
}

/** A demo account, one per role, with the password generated for it. */
export interface DemoUser {
  role: DemoRole;
  email: string;
  password: string;
}

export interface SeedResult {
  /** False when the database already had users, so nothing was written. */
  seeded: boolean;
  /** Rows in each seeded table after the call. */
  counts: Record<SeededTable, number>;
  /** The admin account; `password` only when the seed generated it. */
  admin: { email: string; password?: string };
  /** Demo accounts created by this call (empty when nothing was written). */
  demoUsers: DemoUser[];
}

/** Tables getting at least this many rows have their plain indexes built after the load. */
const DEFER_INDEXES_FROM = 100_000;

/**
 * Large tables whose keys and foreign keys are also added after the load, which halves it:
 * nothing references their rows, so the keys can go for the length of the transaction.
 */
const DEFER_CONSTRAINTS: ReadonlySet<SeededTable> = new Set(['community.chat_messages', 'community.notifications', 'learning.lesson_progress']);

/** Serialises concurrent seeds of one database. */
const SEED_LOCK = 0x61636473; // "acds"

/** Rows per INSERT: big enough to amortise round trips, small enough to keep memory flat. */
const BATCH_SIZE: Partial<Record<SeededTable, number>> = {
  'ai_analytics.analytics_events': 10_000,
  'community.chat_messages': 20_000,
  'community.notifications': 10_000,
};

async function hasUsers(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM identity.users) AS present');
  return rows[0]?.present ?? false;
}

async function countRows(client: pg.ClientBase): Promise<Record<SeededTable, number>> {
  const selects = SEEDED_TABLES.map((table, i) => `(SELECT count(*) FROM ${table}) AS c${i}`);
  const { rows } = await client.query<Record<string, string>>(`SELECT ${selects.join(', ')}`);
  const row = rows[0] ?? {};
  return Object.fromEntries(SEEDED_TABLES.map((table, i) => [table, Number(row[`c${i}`] ?? 0)])) as Record<SeededTable, number>;
}

/** The seed writes fixed ids and names, so it refuses tables that already hold rows. */
async function assertEmpty(client: pg.ClientBase): Promise<void> {
  const counts = await countRows(client);
  const filled = SEEDED_TABLES.filter((table) => counts[table] > 0);
  if (filled.length > 0) {
    throw new Error(`identity.users is empty but ${filled.join(', ')} already hold rows: the demo data needs empty tables`);
  }
}

async function existingResult(client: pg.ClientBase, options: SeedOptions, log: (line: string) => void): Promise<SeedResult> {
  const counts = await countRows(client);
  const { rows } = await client.query<{ email: string }>(
    `SELECT u.email FROM identity.users u JOIN identity.user_roles r ON r.user_id = u.id AND r.role = 'ADMIN'
     ORDER BY r.granted_at, u.email LIMIT 1`,
  );
  log(`identity.users already has ${counts['identity.users']} rows: the demo data is not loaded again`);
  return {
    seeded: false,
    counts,
    admin: { email: rows[0]?.email ?? (options.adminEmail ?? DEFAULT_ADMIN_EMAIL).trim().toLowerCase() },
    demoUsers: [],
  };
}

/**
 * Fills every table of every subgraph with demo data: the first-aid company's courses and
 * venues, a deterministic synthetic population of `scale` size, the admin and one demo
 * account per role. Does nothing when identity.users already has rows. All tables are
 * loaded in one transaction, so a failed run leaves nothing behind and can simply be rerun.
 */
export async function seed(options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const scale = options.scale ?? 1;
  const sizes = seedSizes(scale);
  const client = new pg.Client({ connectionString: options.adminUrl });
  await client.connect();
  try {
    if (await hasUsers(client)) return await existingResult(client, options, log);

    const accounts = await prepareAccounts(accountRng(), options);
    const started = Date.now();
    const tables = buildDataset(scale, options.now ?? new Date(), accounts);
    log(`seeding scale ${scale}: ${sizes.users} users, ${sizes.courses} courses (generated in ${((Date.now() - started) / 1000).toFixed(1)} s)`);

    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      if (await hasUsers(client)) {
        await client.query('ROLLBACK');
        return await existingResult(client, options, log);
      }
      await assertEmpty(client);
      // Index builds sort in memory; the default 64 MB spills to disk at the benchmark scale.
      await client.query("SET LOCAL maintenance_work_mem = '256MB'");
      // Each table's rows are dropped once written, to keep memory flat at large scales.
      for (let next = tables.shift(); next; next = tables.shift()) {
        const { table, total, rows } = next;
        const large = total >= DEFER_INDEXES_FROM;
        const rebuildIndexes = large ? await deferIndexes(client, table) : null;
        const rebuildConstraints = large && DEFER_CONSTRAINTS.has(table) ? await deferConstraints(client, table) : null;
        if (next.fill) {
          const fillStarted = Date.now();
          const { rowCount } = await client.query(next.fill);
          log(`${table}: ${rowCount ?? 0} rows in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`);
        } else {
          await loadTable(client, TABLE_SPECS[table], rows, { total, log, batchSize: BATCH_SIZE[table] ?? 5000 });
        }
        if (next.derived) {
          const derivedStarted = Date.now();
          const { rowCount } = await client.query(next.derived);
          log(`${table}: ${rowCount ?? 0} derived rows in ${((Date.now() - derivedStarted) / 1000).toFixed(1)} s`);
        }
        if (rebuildIndexes) {
          const buildStarted = Date.now();
          await rebuildConstraints?.();
          await rebuildIndexes();
          log(`${table}: ${rebuildConstraints ? 'keys and indexes' : 'indexes'} built in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s`);
        }
      }
      // Certificates issued from now on are numbered after the demo ones.
      await client.query(
        `SELECT setval('learning.certificate_number_seq', coalesce((SELECT max(split_part(number, '-', 3)::bigint) FROM learning.certificates), 0) + 1, false)`,
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    // Fresh statistics, so the first queries after seeding get sensible plans.
    await client.query(`ANALYZE ${SEEDED_TABLES.join(', ')}`);
    log(`demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const admin = accounts.find((a) => a.role === 'ADMIN');
    if (!admin) throw new Error('no admin account');
    return {
      seeded: true,
      counts: await countRows(client),
      admin: admin.generatedPassword ? { email: admin.email, password: admin.password } : { email: admin.email },
      demoUsers: accounts.flatMap((a) => (a.role === 'ADMIN' ? [] : [{ role: a.role, email: a.email, password: a.password }])),
    };
  } finally {
    await client.end();
  }
}
