import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@academy/service-kit/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verify } from '@node-rs/argon2';
import pg from 'pg';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** Runs `pnpm db …` as a user would, against the test database. */
function db(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', join(ROOT, 'db/src/cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: database.adminUrl } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function adminRows(email: string) {
  const client = new pg.Client({ connectionString: database.adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; password_hash: string; roles: string[] }>(
      `SELECT u.id, u.password_hash, array_agg(r.role ORDER BY r.role) AS roles FROM identity.users u
       LEFT JOIN identity.user_roles r ON r.user_id = u.id WHERE u.email = $1 GROUP BY u.id`,
      [email],
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe('pnpm db admin create', () => {
  it('creates an ADMIN with a generated password, printed once and stored as an argon2id hash', async () => {
    const run = await db('admin', 'create', '--email', 'Boss@Example.test');
    expect(run.code).toBe(0);
    const password = /password:?\s+(\S+)/i.exec(run.stdout)?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(12);
    const [row] = await adminRows('boss@example.test');
    expect(row?.roles).toEqual(['ADMIN']);
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verify(row!.password_hash, password!)).toBe(true);
  }, 60_000);

  it('promotes an existing user, keeping their password unless one is given, and refuses a short one', async () => {
    const before = (await adminRows('boss@example.test'))[0]!;
    expect((await db('admin', 'create', '--email', 'boss@example.test', '--password', 'short')).code).toBe(2);
    expect((await db('admin', 'create', '--email', 'boss@example.test')).code).toBe(0);
    expect((await adminRows('boss@example.test'))[0]!.password_hash).toBe(before.password_hash);
    expect((await db('admin', 'create', '--email', 'boss@example.test', '--password', 'a much longer passphrase 9')).code).toBe(0);
    const after = (await adminRows('boss@example.test'))[0]!;
    expect(after.id).toBe(before.id);
    expect(await verify(after.password_hash, 'a much longer passphrase 9')).toBe(true);
  }, 60_000);
});
