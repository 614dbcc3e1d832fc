// `pnpm db seed` and `pnpm db reset` as a user runs them: the demo accounts kept in the data
// folder, reset refused without --yes and in production, and reloading at another scale.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, queryRows, type TestDatabase } from '@academy/service-kit/testing';
import { verify } from '@node-rs/argon2';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { demoAccountsFile, type KeptAccount } from '../src/demo-accounts.js';
import { seedSizes } from '../src/seed/index.js';
import { SUBGRAPH_DATABASES } from '../src/subgraphs.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
let database: TestDatabase;
let productionDatabase: TestDatabase;
let dataDir: string;
let productionDataDir: string;

beforeAll(async () => {
  [database, productionDatabase] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  dataDir = await mkdtemp(join(tmpdir(), 'academy-db-reset-'));
  productionDataDir = await mkdtemp(join(tmpdir(), 'academy-db-production-'));
});
afterAll(async () => {
  await Promise.all([database, productionDatabase].filter(Boolean).map((d) => d.drop()));
  for (const dir of [dataDir, productionDataDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `pnpm db …` against a test database (by default the development one), its roles keeping the test cluster's passwords. */
function db(args: string[], env: Record<string, string> = {}, target = database): Promise<{ code: number; stdout: string; stderr: string }> {
  const roleUrls = Object.fromEntries(SUBGRAPH_DATABASES.map((s) => [s.urlVariable, target.urlFor(s.role)]));
  const environment = { ...process.env, ...roleUrls, DATABASE_URL: target.adminUrl, DATA_DIR: dataDir, NODE_ENV: 'development', ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', join(ROOT, 'db/src/cli.ts'), ...args], { cwd: ROOT, env: environment }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const query = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryRows<T>(database.adminUrl, text, values);

const userCount = async () => Number((await query<{ n: string }>('SELECT count(*) AS n FROM identity.users'))[0]!.n);

async function keptAccounts(): Promise<KeptAccount[]> {
  return (JSON.parse(await readFile(demoAccountsFile(dataDir), 'utf8')) as { accounts: KeptAccount[] }).accounts;
}

/** Every kept account signs in with its kept password (its argon2 hash verifies). */
async function expectAccountsValid(accounts: KeptAccount[]): Promise<void> {
  const rows = await query<{ email: string; password_hash: string }>('SELECT email, password_hash FROM identity.users WHERE email = ANY($1)', [accounts.map((a) => a.email)]);
  expect(rows).toHaveLength(accounts.length);
  for (const account of accounts) expect(await verify(rows.find((r) => r.email === account.email)!.password_hash, account.password!)).toBe(true);
}

describe('pnpm db seed and reset', () => {
  let firstAccounts: KeptAccount[] = [];

  it('seed keeps the demo accounts in DATA_DIR/demo-accounts.json, mode 600, and prints them', async () => {
    const run = await db(['seed', '--scale', '0.1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(statSync(demoAccountsFile(dataDir)).mode & 0o777).toBe(0o600);
    firstAccounts = await keptAccounts();
    expect(firstAccounts.map((a) => a.role)).toEqual(['ADMIN', 'LEARNER', 'TRAINER', 'CONTENT_AUTHOR', 'ORGANIZER', 'ANALYST', 'PARTNER']);
    for (const account of firstAccounts) expect(run.stdout).toMatch(new RegExp(`^ {2}${account.role} +${account.email.replace('.', '\\.')} +${account.password}$`, 'm'));
    await expectAccountsValid(firstAccounts);
    expect(await userCount()).toBe(seedSizes(0.1).users + firstAccounts.length);
  }, 120_000);

  it('seed on a database with users changes nothing and says to use reset --yes', async () => {
    const run = await db(['seed']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/nothing seeded: the database already has users\. .*`npx pnpm@12\.21\.0 db reset --yes`/);
    // The kept accounts are shown again (how the container's migrate job shows them at every start).
    for (const account of firstAccounts) expect(run.stdout).toContain(`${account.email.padEnd(28)} ${account.password}`);
    expect(await keptAccounts()).toEqual(firstAccounts);
  }, 60_000);

  it('reset is refused without --yes and in production, exit code 1, changing nothing', async () => {
    await query(`INSERT INTO identity.users (email, password_hash, display_name) VALUES ('kept@example.test', NULL, 'Kept')`);
    const before = await userCount();

    const unconfirmed = await db(['reset', '--scale', '0.2']);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toMatch(/reset deletes every table .*run `npx pnpm@12\.21\.0 db reset --yes --scale 0\.2`/);

    const production = await db(['reset', '--yes'], { NODE_ENV: 'production' });
    expect(production.code).toBe(1);
    expect(production.stderr).toMatch(/reset is refused with NODE_ENV=production/);

    expect(await userCount()).toBe(before);
    expect(await keptAccounts()).toEqual(firstAccounts);
  }, 60_000);

  it('reset --yes --scale 0.2 drops everything, migrates from scratch and reloads at that scale with new accounts', async () => {
    const run = await db(['reset', '--yes', '--scale', '0.2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^dropped the schemas identity, identity_events, learning/m);
    expect(await query('SELECT 1 FROM identity.users WHERE email = $1', ['kept@example.test'])).toEqual([]);
    const accounts = await keptAccounts();
    expect(accounts.map((a) => a.email)).toEqual(firstAccounts.map((a) => a.email));
    expect(accounts.map((a) => a.password)).not.toEqual(firstAccounts.map((a) => a.password));
    await expectAccountsValid(accounts);
    expect(await userCount()).toBe(seedSizes(0.2).users + accounts.length);
    // The subgraphs' roles can use their schemas again.
    const client = new pg.Client({ connectionString: database.urlFor('academy_identity') });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM identity.users')).rows[0]).toEqual({ n: seedSizes(0.2).users + accounts.length });
    } finally {
      await client.end();
    }
  }, 180_000);

  it('in production, seed keeps no accounts file and shows the admin alone, its password once', async () => {
    const env = { NODE_ENV: 'production', DATA_DIR: productionDataDir };
    const run = await db(['seed', '--scale', '0.1'], env, productionDatabase);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^admin: admin@academy\.local {2}password: \S+ {2}\(shown once; keep it\)$/m);
    expect(run.stdout).not.toMatch(/demo accounts|LEARNER|learner@/);
    expect(existsSync(demoAccountsFile(productionDataDir))).toBe(false);
    const again = await db(['seed'], env, productionDatabase);
    expect(again.stdout).toMatch(/^nothing seeded: the database already has users$/m);
    expect(again.stdout).not.toMatch(/password|reset/);
  }, 120_000);
});
