import pg from 'pg';
import { randomUUID } from 'node:crypto';

/** Inserts rows as the superuser (fixtures cross schemas, as the subgraphs never do). */
export async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The rows of one statement run as the superuser (to read what a test left in any schema). */
export function adminRows<T extends pg.QueryResultRow>(adminUrl: string, text: string, values: unknown[] = []): Promise<T[]> {
  return withAdmin(adminUrl, async (client) => (await client.query<T>(text, values)).rows);
}

export async function insertRows(client: pg.Client, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const shape = columns.join();
  if (rows.some((row) => Object.keys(row).join() !== shape)) throw new Error(`rows for ${table} must all have the same columns`);
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${columns.map((c) => `$${values.push(row[c])}`).join(', ')})`);
  await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
}

export const uuid = () => randomUUID();
