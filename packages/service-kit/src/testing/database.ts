import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** What the global test setup hands to every test file, through the environment. */
export interface TestCluster {
  /** Superuser URL to any database of the test server. */
  adminUrl: string;
  /** A migrated database to copy for each test file. */
  template: string;
  /** Password of every subgraph role during this run. */
  rolePassword: string;
  /** Prefix of every database this run creates. */
  prefix: string;
}

export const TEST_CLUSTER_VARIABLE = 'ACADEMY_TEST_CLUSTER';

export function testCluster(): TestCluster {
  const raw = process.env[TEST_CLUSTER_VARIABLE];
  if (!raw) throw new Error('The test cluster is not set up: run the tests through jest (its global setup starts it).');
  return JSON.parse(raw) as TestCluster;
}

export function databaseUrl(serverUrl: string, database: string, user?: { name: string; password: string }): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user.name;
    url.password = user.password;
  }
  return url.toString();
}

/** A database of its own for one test file: a copy of the migrated template. */
export interface TestDatabase {
  name: string;
  /** Superuser URL to this database (for fixtures and assertions). */
  adminUrl: string;
  /** The URL a subgraph's role uses, e.g. urlFor('academy_learning'). */
  urlFor(role: string): string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const cluster = testCluster();
  const name = `${cluster.prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl(cluster.adminUrl, 'postgres') });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${cluster.template}"`);
        break;
      } catch (error) {
        // Two copies of one template cannot start at the same instant: try again shortly.
        if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
    const roles = await admin.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname LIKE 'academy\\_%'");
    for (const { rolname } of roles.rows) await admin.query(`GRANT CONNECT ON DATABASE "${name}" TO "${rolname}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    adminUrl: databaseUrl(cluster.adminUrl, name),
    urlFor: (role) => databaseUrl(cluster.adminUrl, name, { name: role, password: cluster.rolePassword }),
    drop: () => dropDatabase(cluster.adminUrl, name),
  };
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Runs one statement on a connection of its own (for fixtures and assertions) and returns its rows. */
export async function queryRows<T extends pg.QueryResultRow>(connectionString: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
