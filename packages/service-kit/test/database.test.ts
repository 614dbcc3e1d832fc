import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { createDatabase, createLogger, isDatabaseUnavailable, StatementNames } from '../src/index.js';
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

describe('a connection lost while in use', () => {
  it('fails the statement in flight with a database-unavailable error, without an unhandled error, and the next use reconnects', async () => {
    const { db, close } = createDatabase<unknown>({
      connectionString: database.urlFor('academy_learning'),
      applicationName: 'checked-out',
      logger: createLogger('silent'),
    });
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      const failure = await db
        .transaction()
        .execute(async (trx) => {
          await sql`SELECT 1`.execute(trx);
          // Ended by the server while this transaction holds the connection.
          await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'checked-out'");
          await new Promise((resolve) => setTimeout(resolve, 200));
          await sql`SELECT 1`.execute(trx);
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(failure).not.toBeNull();
      expect(isDatabaseUnavailable(failure)).toBe(true);
      const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(db);
      expect(rows).toEqual([{ ok: 1 }]);
    } finally {
      await admin.end();
      await close();
    }
  });
});

describe('named statements', () => {
  it('names a text the second time it is sent, within a limit, and never transaction control', () => {
    const names = new StatementNames(2);
    expect(names.nameOf('select 1')).toBeUndefined();
    const first = names.nameOf('select 1');
    expect(first).toMatch(/^s\d+$/);
    expect(names.nameOf('select 1')).toBe(first);
    expect(names.nameOf('begin')).toBeUndefined();
    expect(names.nameOf('begin')).toBeUndefined();
    names.nameOf('select 2');
    expect(names.nameOf('select 2')).toMatch(/^s\d+$/);
    names.nameOf('select 3');
    expect(names.nameOf('select 3')).toBeUndefined(); // the limit of 2 is reached
  });

  it('prepares a repeated statement once per connection, and gives the same rows', async () => {
    const { db, close } = createDatabase<unknown>({ connectionString: database.urlFor('academy_learning'), poolSize: 1, logger: createLogger('silent') });
    try {
      const answers = [];
      for (const n of [1, 2, 3]) answers.push((await sql<{ n: number }>`SELECT ${n}::int + 1 AS n`.execute(db)).rows);
      expect(answers).toEqual([[{ n: 2 }], [{ n: 3 }], [{ n: 4 }]]);
      const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(db);
      expect(rows.map((r) => r.statement)).toContain('SELECT $1::int + 1 AS n');
    } finally {
      await close();
    }
  });

  it('keeps working when a table it selects * from gains a column', async () => {
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    const { db, close } = createDatabase<unknown>({ connectionString: database.urlFor('academy_learning'), poolSize: 1, logger: createLogger('silent') });
    try {
      await admin.query('CREATE TABLE learning.named_probe (a int); INSERT INTO learning.named_probe VALUES (1); GRANT SELECT ON learning.named_probe TO academy_learning');
      const read = (on: Kysely<unknown> = db) => sql<Record<string, number | null>>`SELECT * FROM learning.named_probe WHERE a = ${1}`.execute(on).then((r) => r.rows);
      for (let i = 0; i < 3; i++) expect(await read()).toEqual([{ a: 1 }]);
      await admin.query('ALTER TABLE learning.named_probe ADD COLUMN b int');
      expect(await read()).toEqual([{ a: 1, b: null }]);
      expect(await read()).toEqual([{ a: 1, b: null }]);
      // Inside a transaction the stale statement cannot be retried: the transaction fails, and the next one works.
      await admin.query('ALTER TABLE learning.named_probe ADD COLUMN c int');
      await expect(db.transaction().execute((trx) => read(trx))).rejects.toThrow(/cached plan must not change result type/);
      expect(await db.transaction().execute((trx) => read(trx))).toEqual([{ a: 1, b: null, c: null }]);
    } finally {
      await close();
      await admin.query('DROP TABLE IF EXISTS learning.named_probe');
      await admin.end();
    }
  });
});
