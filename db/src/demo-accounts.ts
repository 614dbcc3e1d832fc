// The demo accounts of a development database, kept with their passwords in the data folder
// (`DATA_DIR/demo-accounts.json`, mode 600) when the seed makes them, so that `pnpm start` can
// show them at every start. Passwords are stored hashed in the database; this file is the only
// other copy. Never written in production. The data folder is git-ignored.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateJson } from './config.js';
import type { SeedResult } from './seed/index.js';

/** How a README command is run without a global pnpm. */
export const PNPM = 'npx pnpm@12.21.0';

/** An account to sign in with; `password` null when it came from ADMIN_PASSWORD (not kept). */
export interface KeptAccount {
  role: string;
  email: string;
  password: string | null;
}

const fileSchema = z.object({
  /** host:port/name of the database the accounts are in: another database's are not shown. */
  database: z.string(),
  accounts: z.array(z.object({ role: z.string(), email: z.string(), password: z.string().nullable() })),
});

/** The file in `dataDir` that keeps the demo accounts. */
export function demoAccountsFile(dataDir: string): string {
  return join(dataDir, 'demo-accounts.json');
}

/** Which database a connection URL names, without its credentials. */
function databaseOf(adminUrl: string): string {
  const url = new URL(adminUrl);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

/** Keeps the accounts a seed of `adminUrl`'s database made in `dataDir` (development only). */
export async function keepDemoAccounts(dataDir: string, adminUrl: string, result: SeedResult): Promise<KeptAccount[]> {
  const accounts: KeptAccount[] = [
    { role: 'ADMIN', email: result.admin.email, password: result.admin.password ?? null },
    ...result.demoUsers.map((user) => ({ role: user.role, email: user.email, password: user.password })),
  ];
  await writePrivateJson(demoAccountsFile(dataDir), { database: databaseOf(adminUrl), accounts } satisfies z.input<typeof fileSchema>);
  return accounts;
}

/** The accounts kept for `adminUrl`'s database, or null when none are (or the file is another database's). */
export async function keptDemoAccounts(dataDir: string, adminUrl: string): Promise<KeptAccount[] | null> {
  const file = demoAccountsFile(dataDir);
  if (!existsSync(file)) return null;
  const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success || parsed.data.database !== databaseOf(adminUrl)) return null;
  return parsed.data.accounts;
}

/** The lines that show the accounts: e-mail, role and password, one account a line. */
export function demoAccountLines(dataDir: string, accounts: readonly KeptAccount[]): string[] {
  return [
    `demo accounts (development only; kept in ${demoAccountsFile(dataDir)}):`,
    ...accounts.map((a) => `  ${a.role.padEnd(14)} ${a.email.padEnd(28)} ${a.password ?? '(password from ADMIN_PASSWORD)'}`),
  ];
}

/** What to say when a seeded database has no accounts kept for it. */
export function missingAccountLines(dataDir: string): string[] {
  return [
    `no demo accounts kept in ${demoAccountsFile(dataDir)} for this database (it was seeded before they were kept, or from elsewhere):`,
    `  \`${PNPM} db admin create --email you@example.com\` makes an admin and prints its password;`,
    `  \`${PNPM} db reset --yes\` loads the demo data again, with new demo accounts (and deletes every other change)`,
  ];
}

/** For a database seeded earlier: its kept accounts, or how to get some. */
export async function keptAccountLines(dataDir: string, adminUrl: string): Promise<string[]> {
  const kept = await keptDemoAccounts(dataDir, adminUrl);
  return kept ? demoAccountLines(dataDir, kept) : missingAccountLines(dataDir);
}

/**
 * After a seed: in development the accounts are kept in `dataDir` and returned as lines to show;
 * in production only the admin is shown, its generated password once.
 */
export async function seededAccountLines(config: { NODE_ENV: string; DATA_DIR: string }, adminUrl: string, result: SeedResult): Promise<string[]> {
  if (config.NODE_ENV !== 'production') return demoAccountLines(config.DATA_DIR, await keepDemoAccounts(config.DATA_DIR, adminUrl, result));
  if (result.admin.password) return [`admin: ${result.admin.email}  password: ${result.admin.password}  (shown once; keep it)`];
  return [`admin: ${result.admin.email}  (password from ADMIN_PASSWORD)`];
}
