// Shared by identity's test files: a running identity subgraph on its own database, with mail
// delivered into a temporary folder, and the operations as the gateway would send them.
import { startTestSubgraph, type TestRequestOptions, type TestSubgraph } from '@academy/service-kit/testing';
import type { Viewer } from '@academy/service-kit';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { identitySettings } from '../../src/config.js';
import type { LocalMailFile, Mailer } from '../../src/mail/index.js';
import { buildIdentitySubgraph, type IdentitySubgraph } from '../../src/server.js';

export interface TestIdentity {
  subgraph: TestSubgraph<IdentitySubgraph>;
  mailDir: string;
  /** Runs SQL as the superuser on this test's database (fixtures and assertions). */
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

/** Starts identity with `env` as its own settings (mail into a fresh temporary folder unless given). */
export async function startIdentity(env: Record<string, string> = {}, mailer?: Mailer): Promise<TestIdentity> {
  const mailDir = await mkdtemp(join(tmpdir(), 'identity-mail-'));
  const settings = identitySettings({ MAIL_DIR: mailDir, MAIL_POLL_INTERVAL_MS: '200', ...env });
  const subgraph = await startTestSubgraph((options) => buildIdentitySubgraph({ ...options, identity: settings, mailer }), 'academy_identity');
  const admin = new pg.Pool({ connectionString: subgraph.database.adminUrl, max: 2 });
  return {
    subgraph,
    mailDir,
    sql: async (text, values) => (await admin.query(text, values)).rows,
    async stop() {
      await admin.end();
      await subgraph.stop();
      await rm(mailDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The messages local delivery wrote, oldest first. */
export async function readMail(dir: string): Promise<LocalMailFile[]> {
  const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.json'));
  const files = await Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as LocalMailFile));
  return files.sort((a, b) => a.deliveredAt.localeCompare(b.deliveredAt));
}

/** A password on no list and unlike any address used here. */
export const PASSWORD = 'Lumen-Quartz-8841-Tide';

export const AUTH_FIELDS = 'accessToken refreshToken accessTokenExpiresAt user { id email displayName roles }';

export interface AuthPayloadResult {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  user: { id: string; email: string | null; displayName: string; roles: string[] };
}

/** Signs up through the subgraph; fails the test unless it worked. */
export async function signUp(
  identity: TestIdentity,
  input: { email: string; password?: string; firstName?: string; lastName?: string; inviteCode?: string },
  options: TestRequestOptions = {},
): Promise<AuthPayloadResult> {
  const { body } = await identity.subgraph.request<{ signUp: AuthPayloadResult }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`,
    { input: { password: PASSWORD, firstName: 'Test', lastName: 'User', ...input } },
    options,
  );
  if (body.errors) throw new Error(`signUp failed: ${JSON.stringify(body.errors)}`);
  return body.data!.signUp;
}

export function logIn(identity: TestIdentity, email: string, password: string, options: TestRequestOptions = {}) {
  return identity.subgraph.request<{ logIn: AuthPayloadResult }>(
    `mutation($email: String!, $password: String!) { logIn(email: $email, password: $password) { ${AUTH_FIELDS} } }`,
    { email, password },
    options,
  );
}

export function refresh(identity: TestIdentity, refreshToken: string) {
  return identity.subgraph.request<{ refreshSession: AuthPayloadResult }>(
    `mutation($t: String!) { refreshSession(refreshToken: $t) { ${AUTH_FIELDS} } }`,
    { t: refreshToken },
  );
}

/** The viewer the gateway would derive from an AuthPayload's access token. */
export function viewerOf(payload: AuthPayloadResult): Viewer {
  return { userId: payload.user.id, roles: payload.user.roles as Viewer['roles'] };
}

/** The error codes of a response, in order. */
export function codes(body: { errors?: { extensions?: { code?: string } }[] }): (string | undefined)[] {
  return (body.errors ?? []).map((e) => e.extensions?.code);
}

let counter = 0;
/** A fresh address for each use, so tests within a file do not meet each other's accounts. */
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label.toLowerCase()}.${counter}.${Date.now().toString(36)}@example.test`;
}
