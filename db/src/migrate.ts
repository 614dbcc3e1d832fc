import { Kysely, PostgresDialect, type Migration, type MigrationResultSet } from 'kysely';
import { Migrator } from 'kysely';
import pg from 'pg';
import { migrations as aiAnalytics } from '../migrations/ai_analytics/index.js';
import { migrations as commerce } from '../migrations/commerce/index.js';
import { migrations as community } from '../migrations/community/index.js';
import { migrations as identity } from '../migrations/identity/index.js';
import { migrations as learning } from '../migrations/learning/index.js';
import { migrations as scheduling } from '../migrations/scheduling/index.js';
import { ensureDatabase, ensureRolesAndSchemas, grantSchemaObjects } from './bootstrap.js';
import { SUBGRAPH_DATABASES } from './subgraphs.js';

const MIGRATIONS: Record<string, Record<string, Migration>> = {
  identity,
  learning,
  scheduling,
  commerce,
  community,
  ai_analytics: aiAnalytics,
};

/** One advisory lock key for every `db migrate` against a database. */
const MIGRATE_LOCK = 0x61636164; // "acad"

export interface MigrationStatus {
  schema: string;
  name: string;
  executedAt: Date | null;
}

export interface MigrateOptions {
  /** A role that may create schemas (and roles and databases, on first run). */
  adminUrl: string;
  /** Passwords to set on the subgraph roles, by role name. */
  rolePasswords?: Record<string, string>;
  /** statement_timeout of every subgraph role (0: none); default 5 s. */
  statementTimeoutMs?: number;
  log?: (line: string) => void;
}

function migratorFor(db: Kysely<unknown>, schema: string): Migrator {
  const migrations = MIGRATIONS[schema];
  if (!migrations) throw new Error(`no migrations for schema ${schema}`);
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
}

function describe(schema: string, results: MigrationResultSet): string[] {
  return (results.results ?? []).map((r) => `${schema}: ${r.migrationName} ${r.status === 'Success' ? 'applied' : r.status}`);
}

/**
 * Creates the database, roles and schemas if needed and applies every pending migration.
 * Safe to run from several processes at once: they queue on an advisory lock.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  await ensureDatabase(options.adminUrl);
  const lockClient = new pg.Client({ connectionString: options.adminUrl });
  await lockClient.connect();
  const pool = new pg.Pool({ connectionString: options.adminUrl, max: 2 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const applied: string[] = [];
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    await ensureRolesAndSchemas(lockClient, options.rolePasswords, options.statementTimeoutMs);
    for (const { schema } of SUBGRAPH_DATABASES) {
      const results = await migratorFor(db, schema).migrateToLatest();
      const lines = describe(schema, results);
      lines.forEach(log);
      applied.push(...lines);
      if (results.error) throw new Error(`migrating ${schema} failed: ${(results.error as Error).message ?? results.error}`);
    }
    await grantSchemaObjects(lockClient);
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]).catch(() => undefined);
    await lockClient.end();
    await db.destroy();
  }
  return applied;
}

/** Every known migration of every schema, with when it was applied (null: pending). */
export async function migrationStatus(adminUrl: string): Promise<MigrationStatus[]> {
  const pool = new pg.Pool({ connectionString: adminUrl, max: 1 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const status: MigrationStatus[] = [];
    for (const { schema } of SUBGRAPH_DATABASES) {
      for (const info of await migratorFor(db, schema).getMigrations()) {
        status.push({ schema, name: info.name, executedAt: info.executedAt ?? null });
      }
    }
    return status;
  } finally {
    await db.destroy();
  }
}
