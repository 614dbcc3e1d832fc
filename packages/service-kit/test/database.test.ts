import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { sql } from 'kysely';
import { createDatabase, createLogger } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('createDatabase', () => {
  it('survives the server ending an idle connection, and reconnects on next use', async () => {
    const { db, close } = createDatabase<unknown>({
      connectionString: database.urlFor('academy_learning'),
      applicationName: 'survivor',
      logger: createLogger('silent'),
    });
    await sql`SELECT 1`.execute(db);
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'survivor'");
    await admin.end();
    expect(rowCount).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(db);
    expect(rows).toEqual([{ ok: 1 }]);
    await close();
  });
});
