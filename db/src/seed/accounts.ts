import { hash, type Algorithm, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import type { Prng } from './prng.js';

/** Roles a user can hold (identity.user_roles.role). */
export type Role = 'LEARNER' | 'TRAINER' | 'CONTENT_AUTHOR' | 'ORGANIZER' | 'ANALYST' | 'PARTNER' | 'ADMIN';

/** The roles that get one demo account each. */
export const DEMO_ROLES = ['LEARNER', 'TRAINER', 'CONTENT_AUTHOR', 'ORGANIZER', 'ANALYST', 'PARTNER'] as const satisfies readonly Role[];

export type DemoRole = (typeof DEMO_ROLES)[number];

/** Used when no admin email is given. */
export const DEFAULT_ADMIN_EMAIL = 'admin@academy.local';

/** Shortest admin password accepted from the caller. */
export const MIN_PASSWORD_LENGTH = 12;

// The enum is declared `const` in the package's types, which isolated modules cannot read.
const ARGON2ID: Algorithm = 2;

/** argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane). */
export const PASSWORD_HASH_OPTIONS: Options = Object.freeze({ algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 });

/** An account that can sign in: the admin or a demo user. */
export interface Account {
  id: string;
  role: DemoRole | 'ADMIN';
  email: string;
  firstName: string;
  lastName: string;
  displayName: string;
  password: string;
  /** True when the seed made the password up (so the caller must show it). */
  generatedPassword: boolean;
  passwordHash: string;
}

export interface AccountOptions {
  adminEmail?: string | undefined;
  adminPassword?: string | undefined;
}

/** 24 characters from 144 random bits. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export function demoEmail(role: DemoRole): string {
  return `${role.toLowerCase().replaceAll('_', '-')}@academy.local`;
}

function titleCase(role: string): string {
  return role
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * The admin and one demo account per role, with argon2id hashes. Ids come from `rng` so the
 * data set stays the same from run to run; passwords never do.
 */
export async function prepareAccounts(rng: Prng, options: AccountOptions): Promise<Account[]> {
  const adminEmail = (options.adminEmail ?? DEFAULT_ADMIN_EMAIL).trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(adminEmail) || adminEmail.length > 254) throw new Error(`not an email address: "${adminEmail}"`);
  if (options.adminPassword !== undefined && options.adminPassword.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`the admin password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if ((DEMO_ROLES as readonly string[]).some((role) => demoEmail(role as DemoRole) === adminEmail)) {
    throw new Error(`${adminEmail} is a demo account's address; choose another admin email`);
  }

  const drafts: Omit<Account, 'passwordHash'>[] = [
    {
      id: rng.uuid(),
      role: 'ADMIN',
      email: adminEmail,
      firstName: 'Academy',
      lastName: 'Admin',
      displayName: 'Academy Admin',
      password: options.adminPassword ?? generatePassword(),
      generatedPassword: options.adminPassword === undefined,
    },
    ...DEMO_ROLES.map((role) => ({
      id: rng.uuid(),
      role,
      email: demoEmail(role),
      firstName: 'Demo',
      lastName: titleCase(role),
      displayName: `Demo ${titleCase(role)}`,
      password: generatePassword(),
      generatedPassword: true,
    })),
  ];
  // One at a time: each hash takes 19 MiB and a core for a few milliseconds.
  const accounts: Account[] = [];
  for (const draft of drafts) accounts.push({ ...draft, passwordHash: await hash(draft.password, PASSWORD_HASH_OPTIONS) });
  return accounts;
}
