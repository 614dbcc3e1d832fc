import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@academy/service-kit/testing';
import pg from 'pg';
import { SUBGRAPH_DATABASES } from '../src/subgraphs.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

async function asRole<T>(role: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.urlFor(role) });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Tables of each schema, read as the superuser. */
async function tablesOf(schema: string): Promise<string[]> {
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
      [schema],
    );
    return rows.map((r) => r.table_name);
  } finally {
    await admin.end();
  }
}

describe('database ownership', () => {
  it.each(SUBGRAPH_DATABASES.map((s) => [s.name, s] as const))('%s can read and write its own tables', async (_name, own) => {
    const tables = await tablesOf(own.schema);
    expect(tables.length).toBeGreaterThan(0);
    await asRole(own.role, async (client) => {
      for (const table of tables) {
        await expect(client.query(`SELECT * FROM "${own.schema}"."${table}" LIMIT 1`)).resolves.toBeDefined();
      }
      // Rows only: no DDL on its own schema.
      await expect(client.query(`CREATE TABLE "${own.schema}".intruder (id int)`)).rejects.toMatchObject({ code: '42501' });
    });
  });

  it.each(SUBGRAPH_DATABASES.map((s) => [s.name, s] as const))('%s is refused on every other subgraph schema', async (_name, own) => {
    await asRole(own.role, async (client) => {
      for (const other of SUBGRAPH_DATABASES.filter((s) => s !== own)) {
        for (const table of await tablesOf(other.schema)) {
          await expect(client.query(`SELECT * FROM "${other.schema}"."${table}" LIMIT 1`)).rejects.toMatchObject({ code: '42501' });
          await expect(client.query(`DELETE FROM "${other.schema}"."${table}"`)).rejects.toMatchObject({ code: '42501' });
        }
        await expect(client.query(`CREATE TABLE "${other.schema}".intruder (id int)`)).rejects.toMatchObject({ code: '42501' });
      }
      await expect(client.query('CREATE TABLE public.intruder (id int)')).rejects.toMatchObject({ code: '42501' });
    });
  });

  it('reads another subgraph outbox only through the function its owner granted', async () => {
    // commerce grants its outbox to scheduling, not to identity.
    await asRole('academy_scheduling', async (client) => {
      const { rows } = await client.query("SELECT * FROM commerce_events.read_outbox('0', 0, 10)");
      expect(rows).toEqual([]);
    });
    await asRole('academy_identity', async (client) => {
      await expect(client.query("SELECT * FROM commerce_events.read_outbox('0', 0, 10)")).rejects.toMatchObject({ code: '42501' });
    });
  });
});
