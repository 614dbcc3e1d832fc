import pg from 'pg';
import { SUBGRAPH_DATABASES } from './subgraphs.js';

/** A subgraph's statements are cut off after this long unless migrate is told otherwise. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** Creates the database named in `adminUrl` when it does not exist yet. */
export async function ensureDatabase(adminUrl: string): Promise<void> {
  const url = new URL(adminUrl);
  const name = decodeURIComponent(url.pathname.slice(1)) || 'postgres';
  const probe = new pg.Client({ connectionString: adminUrl });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  url.pathname = '/postgres';
  const server = new pg.Client({ connectionString: url.toString() });
  await server.connect();
  try {
    await server.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (error) {
    // Another process may have created it in the meantime.
    if (!['42P04', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
  } finally {
    await server.end();
  }
}

/** Runs `statement`, ignoring "already exists" races between processes creating the same role. */
async function tolerateDuplicate(client: pg.ClientBase, statement: string): Promise<void> {
  try {
    await client.query(statement);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '42710' && code !== '23505' && code !== 'XX000') throw error;
  }
}

/**
 * Makes each subgraph's login role and schema, and the privileges between them: a role can
 * connect, use its own schema and its tables, and nothing else. Roles belong to the whole
 * server; schemas and privileges to this database. Idempotent.
 *
 * @param passwords role → password to set; roles not listed keep theirs (or have none).
 * @param statementTimeoutMs longest statement a subgraph role may run (0: no limit). Set on the
 *   role, so it holds on every connection the subgraph opens, whatever its pool does.
 */
export async function ensureRolesAndSchemas(
  client: pg.ClientBase,
  passwords: Record<string, string> = {},
  statementTimeoutMs: number = DEFAULT_STATEMENT_TIMEOUT_MS,
): Promise<void> {
  const { rows } = await client.query<{ db: string; me: string }>('SELECT current_database() AS db, current_user AS me');
  const { db, me } = rows[0]!;
  await client.query(`REVOKE ALL ON DATABASE ${quoteIdent(db)} FROM PUBLIC`);
  await client.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
  for (const subgraph of SUBGRAPH_DATABASES) {
    const role = quoteIdent(subgraph.role);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [subgraph.role]);
    if (exists.rowCount === 0) {
      await tolerateDuplicate(client, `CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION`);
    }
    const password = passwords[subgraph.role];
    if (password !== undefined) await client.query(`ALTER ROLE ${role} PASSWORD ${quoteLiteral(password)}`);
    // Roles belong to the server: another process migrating another database may set it at once.
    await tolerateDuplicate(
      client,
      statementTimeoutMs > 0 ? `ALTER ROLE ${role} SET statement_timeout = ${Math.floor(statementTimeoutMs)}` : `ALTER ROLE ${role} RESET statement_timeout`,
    );
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(db)} TO ${role}`);

    const schema = quoteIdent(subgraph.schema);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
    await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
    // Tables are owned by the migrating role; the subgraph reads and writes rows, never DDL.
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(me)} IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    );
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(me)} IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role}`);
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(me)} IN SCHEMA ${schema} GRANT EXECUTE ON FUNCTIONS TO ${role}`);
  }
}

/** Grants each role its schema's existing objects (for objects made before default privileges applied). */
export async function grantSchemaObjects(client: pg.ClientBase): Promise<void> {
  for (const subgraph of SUBGRAPH_DATABASES) {
    const schema = quoteIdent(subgraph.schema);
    const role = quoteIdent(subgraph.role);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
    await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
    await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${role}`);
  }
}
