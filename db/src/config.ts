import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { roleUrl, SUBGRAPH_DATABASES } from './subgraphs.js';

// This module uses zod directly rather than service-kit's helpers: `pnpm start` imports it, and
// service-kit's index loads Apollo Server, which would add a second to every start.

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The database the stack uses on the embedded server. */
export const EMBEDDED_DATABASE = 'academy';

const postgresUrl = () =>
  z.string().refine((value) => /^postgres(ql)?:\/\/./.test(value) && URL.canParse(value), 'must be a postgres:// URL');

/** A subgraph's own URL must connect as the role that migrations create and grant to. */
const subgraphUrl = (role: string) =>
  postgresUrl()
    .refine((value) => !URL.canParse(value) || decodeURIComponent(new URL(value).username) === role, `must connect as role ${role}`)
    .optional();

const subgraphUrlFields = Object.fromEntries(SUBGRAPH_DATABASES.map((s) => [s.urlVariable, subgraphUrl(s.role)])) as Record<
  string,
  ReturnType<typeof subgraphUrl>
>;

/**
 * The settings every command that touches the database reads: where the server is (an existing
 * one, or the embedded one kept in `DATA_DIR`), and optionally each subgraph's own URL.
 */
export const databaseSettings = {
  /** An existing server, as a role that may create databases and roles. Unset: the embedded server. */
  DATABASE_URL: postgresUrl().optional(),
  /** Where the embedded server's cluster and the generated role passwords live. */
  DATA_DIR: z
    .string()
    .min(1)
    .default(join(REPO_ROOT, '.data'))
    .transform((value) => resolve(value)),
  /** The embedded server's port; 0 picks a free one on first start and keeps it. */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** statement_timeout set on every subgraph role when migrating; 0: none. */
  SUBGRAPH_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(5_000),
  ...subgraphUrlFields,
};

/** The settings of seeding: how much data, and who the first admin is. */
export const seedSettings = {
  SEED_SCALE: z.coerce.number().positive().max(1000).default(1),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must have at least 12 characters').optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
};

/** The configuration of `pnpm db`. */
export const dbConfigSchema = z.object({ ...databaseSettings, ...seedSettings });

export type DbConfig = z.output<typeof dbConfigSchema>;

/** What `<SCHEMA>_DATABASE_URL` and the fields above leave in a parsed configuration. */
export type DatabaseConfig = { DATABASE_URL?: string | undefined; DATA_DIR: string } & Record<string, unknown>;

/** What `DATA_DIR/secrets.json` keeps: secrets the local stack generated for itself. */
interface Secrets {
  /** Role name → password, generated on first use. */
  rolePasswords: Record<string, string>;
  /** The secret the gateway signs callers with for the subgraphs (`pnpm start` only). */
  gatewaySecret?: string | undefined;
}

const secretsSchema = z.object({
  rolePasswords: z.record(z.string(), z.string()),
  gatewaySecret: z.string().min(32).optional(),
});

/** The file in `DATA_DIR` that keeps the generated secrets (mode 600). */
export function secretsFile(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

async function readSecrets(file: string): Promise<Secrets> {
  if (!existsSync(file)) return { rolePasswords: {} };
  const parsed = secretsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a secrets file this version understands; move it away to start afresh`);
  return parsed.data;
}

/** Writes `value` as JSON to `file`, readable by its owner only (mode 600). */
export async function writePrivateJson(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Written beside and renamed, so a crash never leaves half a file of passwords.
  const draft = `${file}.${process.pid}.tmp`;
  await writeFile(draft, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await chmod(draft, 0o600);
  await rename(draft, file);
}

const writeSecrets = (file: string, secrets: Secrets) => writePrivateJson(file, secrets);

/** A new random secret: 144 bits as 24 URL-safe characters (fits in a connection URL as is). */
const generateSecret = (bytes = 18) => randomBytes(bytes).toString('base64url');

/**
 * The gateway's signing secret for a local stack: `given` (GATEWAY_SECRET) when set, otherwise
 * one generated on first use and kept in `DATA_DIR/secrets.json`.
 */
export async function localGatewaySecret(dataDir: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const file = secretsFile(dataDir);
  const secrets = await readSecrets(file);
  if (!secrets.gatewaySecret) {
    secrets.gatewaySecret = generateSecret(32);
    await writeSecrets(file, secrets);
  }
  return secrets.gatewaySecret;
}

/** How each subgraph connects, and the passwords `migrate` must give the roles. */
export interface SubgraphConnections {
  /** Subgraph name → its role's connection URL. */
  urls: Record<string, string>;
  /** Role name → password, for `migrate({ rolePasswords })`. */
  rolePasswords: Record<string, string>;
}

/**
 * Each subgraph's connection: its `<SCHEMA>_DATABASE_URL` when set, otherwise its role on
 * `adminUrl`'s server and database with a password generated once and kept in
 * `DATA_DIR/secrets.json`.
 */
export async function subgraphConnections(config: DatabaseConfig, adminUrl: string): Promise<SubgraphConnections> {
  const file = secretsFile(config.DATA_DIR);
  const secrets = await readSecrets(file);
  let generated = false;
  const urls: Record<string, string> = {};
  const rolePasswords: Record<string, string> = {};
  for (const subgraph of SUBGRAPH_DATABASES) {
    const given = config[subgraph.urlVariable];
    if (typeof given === 'string') {
      urls[subgraph.name] = given;
      const password = decodeURIComponent(new URL(given).password);
      // A URL without a password relies on the server trusting the role: leave its password alone.
      if (password) rolePasswords[subgraph.role] = password;
      continue;
    }
    let password = secrets.rolePasswords[subgraph.role];
    if (!password) {
      password = generateSecret();
      secrets.rolePasswords[subgraph.role] = password;
      generated = true;
    }
    urls[subgraph.name] = roleUrl(adminUrl, subgraph.role, password);
    rolePasswords[subgraph.role] = password;
  }
  if (generated) await writeSecrets(file, secrets);
  return { urls, rolePasswords };
}
