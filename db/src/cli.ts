// `pnpm db <command>`: migrations, demo data and admins, against DATABASE_URL or the embedded
// server of DATA_DIR (started for the command and stopped after, or the one `pnpm start` runs).
import { ConfigError, loadConfig, withoutEmptyValues } from '@academy/service-kit';
import { hash } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { dbConfigSchema, EMBEDDED_DATABASE, subgraphConnections, type DbConfig } from './config.js';
import { ensureEmbeddedDatabase, forkEmbeddedServer, runningEmbeddedServerUrl } from './embedded-server.js';
import { migrate, migrationStatus } from './migrate.js';
import { keptAccountLines, PNPM, seededAccountLines } from './demo-accounts.js';
import { MIN_PASSWORD_LENGTH, PASSWORD_HASH_OPTIONS, seed } from './seed/index.js';
import { SUBGRAPH_DATABASES } from './subgraphs.js';

const USAGE = `Usage: pnpm db <command>

Commands:
  migrate                                 apply pending migrations (creates the database, roles
                                          and schemas first if needed)
  migrate status                          list every migration and when it was applied
  seed [--scale N]                        load the demo data into an empty, migrated database
                                          (scale: --scale, else SEED_SCALE, else 1)
  reset --yes [--scale N]                 delete the six schemas with all their data, migrate
                                          from scratch and load the demo data (scale as for
                                          seed); refused without --yes and in production
  admin create --email E [--password P]   create a user with the ADMIN role, or give an
                                          existing user that role; without --password a new
                                          user gets a generated one, printed once
  help                                    show this text

Connects to DATABASE_URL when it is set; otherwise to the embedded PostgreSQL of DATA_DIR
(default .data), started for the command and stopped after unless \`pnpm start\` runs it.
In development, seed and reset keep the demo accounts with their passwords in
DATA_DIR/demo-accounts.json (mode 600), which \`pnpm start\` shows at every start.
Exit codes: 0 done, 1 failed or refused, 2 wrong usage or configuration.
`;

/** Wrong usage: exit code 2, with the usage text when the command itself is unknown. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

/** A command refused on purpose (no confirmation, or production): exit code 1. */
class Refusal extends Error {}

type Command =
  | { name: 'migrate' }
  | { name: 'migrate status' }
  | { name: 'seed'; scale: number | undefined }
  | { name: 'reset'; scale: number | undefined }
  | { name: 'admin create'; email: string; password: string | undefined }
  | { name: 'help' };

/** Reads the command line; throws UsageError on anything it does not understand. */
function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        scale: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        yes: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, true);
  }
  const { values, positionals } = parsed;
  const words = positionals.join(' ');
  if (values.help || words === 'help' || words === '') return { name: 'help' };
  const allowOnly = (...allowed: string[]) => {
    const extra = Object.keys(values).filter((key) => !allowed.includes(key));
    if (extra.length) throw new UsageError(`${words} does not take ${extra.map((key) => `--${key}`).join(', ')}`);
  };
  switch (words) {
    case 'migrate':
    case 'migrate status':
      allowOnly();
      return { name: words };
    case 'seed':
      allowOnly('scale');
      return { name: 'seed', scale: parseScale(values.scale) };
    case 'reset': {
      allowOnly('scale', 'yes');
      const scale = parseScale(values.scale);
      if (!values.yes) {
        throw new Refusal(
          `reset deletes every table of the six schemas with all their data, then migrates and loads the demo data again; to do that, run \`${PNPM} db reset --yes${values.scale === undefined ? '' : ` --scale ${values.scale}`}\``,
        );
      }
      return { name: 'reset', scale };
    }
    case 'admin create': {
      allowOnly('email', 'password');
      const email = values.email?.trim().toLowerCase();
      if (!email) throw new UsageError('admin create needs --email');
      if (!z.email().safeParse(email).success) throw new UsageError(`not an email address: "${values.email}"`);
      if (values.password !== undefined && values.password.length < MIN_PASSWORD_LENGTH) {
        throw new UsageError(`--password must have at least ${MIN_PASSWORD_LENGTH} characters`);
      }
      return { name: 'admin create', email, password: values.password };
    }
    default:
      throw new UsageError(`unknown command "${words}"`, true);
  }
}

function parseScale(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1000) throw new UsageError(`--scale must be a number above 0 and at most 1000, not "${value}"`);
  return scale;
}

/** Runs `work` with a superuser URL to the stack's database, starting the embedded server if needed. */
async function withDatabase<T>(config: DbConfig, work: (adminUrl: string) => Promise<T>): Promise<T> {
  if (config.DATABASE_URL) return work(config.DATABASE_URL);
  const dataDir = join(config.DATA_DIR, 'postgres');
  // `pnpm start` holds the cluster: use its server rather than fail to start a second one.
  const running = runningEmbeddedServerUrl(dataDir);
  if (running) return work(await ensureEmbeddedDatabase(running, EMBEDDED_DATABASE));
  const server = await forkEmbeddedServer({ dataDir, port: config.EMBEDDED_PG_PORT, logLevel: 'warn' });
  try {
    return await work(await ensureEmbeddedDatabase(server.url, EMBEDDED_DATABASE));
  } finally {
    await server.stop();
  }
}

async function isMigrated(adminUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass('identity.users') IS NOT NULL AS present");
    return rows[0]?.present ?? false;
  } finally {
    await client.end();
  }
}

async function runMigrate(config: DbConfig, adminUrl: string): Promise<void> {
  const { rolePasswords } = await subgraphConnections(config, adminUrl);
  const applied = await migrate({ adminUrl, rolePasswords, statementTimeoutMs: config.SUBGRAPH_STATEMENT_TIMEOUT_MS, log: (line) => console.log(line) });
  console.log(applied.length ? `${applied.length} migration(s) applied` : 'every migration was already applied');
}

async function printStatus(adminUrl: string): Promise<void> {
  const rows = (await migrationStatus(adminUrl)).map((m) => [m.schema, m.name, m.executedAt ? m.executedAt.toISOString() : 'pending']);
  const table = [['schema', 'migration', 'applied at'], ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(table[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  const pending = rows.filter((row) => row[2] === 'pending').length;
  if (pending) console.log(`\n${pending} pending: run \`pnpm db migrate\``);
}

async function runSeed(config: DbConfig, adminUrl: string, scale: number | undefined): Promise<void> {
  if (!(await isMigrated(adminUrl))) throw new Error('the database is not migrated: run `pnpm db migrate` first');
  const result = await seed({
    adminUrl,
    scale: scale ?? config.SEED_SCALE,
    log: (line) => console.log(line),
    ...(config.ADMIN_EMAIL ? { adminEmail: config.ADMIN_EMAIL } : {}),
    ...(config.ADMIN_PASSWORD ? { adminPassword: config.ADMIN_PASSWORD } : {}),
  });
  if (!result.seeded) {
    if (config.NODE_ENV === 'production') {
      console.log('nothing seeded: the database already has users');
      return;
    }
    console.log(`nothing seeded: the database already has users. To replace everything in it with the demo data, run \`${PNPM} db reset --yes${scale === undefined ? '' : ` --scale ${scale}`}\``);
    for (const line of await keptAccountLines(config.DATA_DIR, adminUrl)) console.log(line);
    return;
  }
  for (const line of await seededAccountLines(config, adminUrl, result)) console.log(line);
}

/**
 * Drops the six schemas with everything in them, migrates from scratch (schemas, grants,
 * tables) and seeds. The roles and their passwords stay, so running services reconnect as before.
 */
async function runReset(config: DbConfig, adminUrl: string, scale: number | undefined): Promise<void> {
  // Each subgraph's schema and the one its migrations make for reading its events.
  const schemas = SUBGRAPH_DATABASES.flatMap((s) => [s.schema, `${s.schema}_events`]);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Running services hold no locks between statements; a long query of theirs delays the drop.
    await client.query(`DROP SCHEMA IF EXISTS ${schemas.map((name) => `"${name}"`).join(', ')} CASCADE`);
  } finally {
    await client.end();
  }
  console.log(`dropped the schemas ${schemas.join(', ')}`);
  await runMigrate(config, adminUrl);
  await runSeed(config, adminUrl, scale);
}

/**
 * Makes `email` an admin: a new user with that role, or the role added to an existing user
 * (whose password changes only when `password` is given). A generated password is printed once.
 */
async function createAdmin(adminUrl: string, email: string, password: string | undefined): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const existing = await client.query<{ id: string; admin: boolean }>(
      `SELECT u.id, EXISTS (SELECT 1 FROM identity.user_roles r WHERE r.user_id = u.id AND r.role = 'ADMIN') AS admin
       FROM identity.users u WHERE u.email = $1 FOR UPDATE`,
      [email],
    );
    const user = existing.rows[0];
    let generated: string | undefined;
    let id: string;
    if (user) {
      id = user.id;
      if (password !== undefined) {
        await client.query('UPDATE identity.users SET password_hash = $2, updated_at = now() WHERE id = $1', [id, await hash(password, PASSWORD_HASH_OPTIONS)]);
      }
    } else {
      if (password === undefined) generated = randomBytes(18).toString('base64url');
      const displayName = email.split('@')[0]!.slice(0, 120) || 'Admin';
      const inserted = await client.query<{ id: string }>(
        'INSERT INTO identity.users (email, password_hash, display_name) VALUES ($1, $2, $3) RETURNING id',
        [email, await hash(password ?? generated!, PASSWORD_HASH_OPTIONS), displayName],
      );
      id = inserted.rows[0]!.id;
    }
    await client.query(`INSERT INTO identity.user_roles (user_id, role) VALUES ($1, 'ADMIN') ON CONFLICT DO NOTHING`, [id]);
    await client.query('COMMIT');

    if (!user) console.log(`created admin ${email}`);
    else if (user.admin) console.log(`${email} is already an admin${password !== undefined ? '; password changed' : ''}`);
    else console.log(`${email} is now an admin${password !== undefined ? '; password changed' : ''}`);
    if (generated) console.log(`password: ${generated}  (shown once; keep it)`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  let config: DbConfig;
  try {
    command = parseCommand(argv);
    if (command.name === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    config = loadConfig(dbConfigSchema, withoutEmptyValues(process.env));
    if (command.name === 'reset' && config.NODE_ENV === 'production') {
      throw new Refusal('reset is refused with NODE_ENV=production: it deletes all the data; it is for development databases only');
    }
  } catch (error) {
    if (error instanceof Refusal) {
      process.stderr.write(`pnpm db: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`pnpm db: ${error.message}\n${error.showUsage ? `\n${USAGE}` : 'see `pnpm db help`\n'}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`pnpm db: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  try {
    await withDatabase(config, async (adminUrl) => {
      switch (command.name) {
        case 'migrate':
          return runMigrate(config, adminUrl);
        case 'migrate status':
          return printStatus(adminUrl);
        case 'seed':
          return runSeed(config, adminUrl, command.scale);
        case 'reset':
          return runReset(config, adminUrl, command.scale);
        case 'admin create':
          if (!(await isMigrated(adminUrl))) throw new Error('the database is not migrated: run `pnpm db migrate` first');
          return createAdmin(adminUrl, command.email, command.password);
      }
    });
    return 0;
  } catch (error) {
    process.stderr.write(`pnpm db ${command.name}: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
