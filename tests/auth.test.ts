import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import { ErrorCode } from '@academy/service-kit';
import { adminRows } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  // identity's own lockout after failed sign-ins is tested here, with the gateway's call
  // throttles (tested in abuse.test.ts) opened wide so that they do not answer first.
  stack = await startStack({ gateway: { THROTTLE_LOG_IN_PER_ADDRESS: '1000', THROTTLE_LOG_IN_PER_EMAIL: '1000' } });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const PASSWORD = 'correct horse battery staple 42';
const AUTH_FIELDS = 'accessToken refreshToken accessTokenExpiresAt user { id email displayName roles }';

interface Auth {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; roles: string[] };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function signUp(email: string, password = PASSWORD): Promise<Auth> {
  const { body } = await stack.query<{ signUp: Auth }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`,
    { input: { email, password, firstName: 'Test', lastName: email.split('@')[0] } },
  );
  expect(body.errors).toBeUndefined();
  return body.data!.signUp;
}

async function logIn(email: string, password: string) {
  return stack.query<{ logIn: Auth }>(`mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { ${AUTH_FIELDS} } }`, { e: email, p: password });
}

const adminQuery = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => adminRows<T>(stack.database.adminUrl, text, values);

describe('sessions end to end', () => {
  it('signs up, signs in, answers me, refreshes and logs out', async () => {
    const created = await signUp('Ada@Example.test');
    expect(created.user).toMatchObject({ email: 'ada@example.test', roles: ['LEARNER'] });
    const { body } = await logIn('ada@example.test', PASSWORD);
    expect(body.errors).toBeUndefined();
    const session = body.data!.logIn;

    const me = await stack.query<{ me: { id: string; email: string } }>('{ me { id email } }', undefined, bearer(session.accessToken));
    expect(me.body.data!.me).toEqual({ id: created.user.id, email: 'ada@example.test' });

    const refreshed = await stack.query<{ refreshSession: Auth }>(`mutation($t: String!) { refreshSession(refreshToken: $t) { ${AUTH_FIELDS} } }`, { t: session.refreshToken });
    expect(refreshed.body.errors).toBeUndefined();
    const next = refreshed.body.data!.refreshSession;
    expect(next.refreshToken).not.toBe(session.refreshToken);
    const meAgain = await stack.query<{ me: { id: string } }>('{ me { id } }', undefined, bearer(next.accessToken));
    expect(meAgain.body.data!.me.id).toBe(created.user.id);

    const out = await stack.query<{ logOut: boolean }>('mutation($t: String!) { logOut(refreshToken: $t) }', { t: next.refreshToken });
    expect(out.body.data!.logOut).toBe(true);
    const afterLogout = await stack.query(`mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`, { t: next.refreshToken });
    expect(afterLogout.body.errors?.[0]?.extensions?.code).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('revokes the whole family when a refresh token is used twice', async () => {
    const { refreshToken } = await signUp('reuse@example.test');
    const refresh = (t: string) => stack.query<{ refreshSession: Auth }>(`mutation($t: String!) { refreshSession(refreshToken: $t) { refreshToken } }`, { t });
    const first = await refresh(refreshToken);
    const successor = first.body.data!.refreshSession.refreshToken;
    const replay = await refresh(refreshToken);
    expect(replay.body.errors?.[0]?.extensions?.code).toBe(ErrorCode.UNAUTHENTICATED);
    // The thief's replay also ends the legitimate successor.
    const afterReplay = await refresh(successor);
    expect(afterReplay.body.errors?.[0]?.extensions?.code).toBe(ErrorCode.UNAUTHENTICATED);
  });
});

describe('forged access tokens', () => {
  let valid: Auth;
  const claims = () => ({ roles: ['LEARNER', 'ADMIN'] });

  beforeAll(async () => {
    valid = await signUp('forger@example.test');
  });

  const mint = (options: { key?: ReturnType<typeof createPrivateKey>; iss?: string; aud?: string; exp?: number | null }) => {
    let jwt = new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', kid: stack.signingKey.kid, typ: 'JWT' })
      .setSubject(valid.user.id)
      .setIssuer(options.iss ?? 'academy-supergraph')
      .setAudience(options.aud ?? 'academy-api')
      .setIssuedAt();
    if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600);
    return jwt.sign(options.key ?? createPrivateKey(stack.signingKey.pem));
  };

  const meWith = (token: string) => stack.query<{ me: { id: string } | null }>('{ me { id } }', undefined, bearer(token));

  it('accepts a token signed with identity key and the right claims (the control case)', async () => {
    const { status, body } = await meWith(await mint({}));
    expect(status).toBe(200);
    expect(body.data!.me).toEqual({ id: valid.user.id });
  });

  it('refuses every forgery with 401 UNAUTHENTICATED', async () => {
    const [header, payload] = valid.accessToken.split('.') as [string, string, string];
    const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const publicPem = createPublicKey(createPrivateKey(stack.signingKey.pem)).export({ type: 'spki', format: 'pem' }).toString();
    const [, , signature] = valid.accessToken.split('.') as [string, string, string];

    const forgeries: Record<string, string> = {
      'alg none': `${encode({ ...json(header), alg: 'none' })}.${payload}.`,
      'wrong key': await mint({ key: generateKeyPairSync('ed25519').privateKey }),
      'HS256 signed with the public key': await new SignJWT({ ...json(payload) })
        .setProtectedHeader({ alg: 'HS256', kid: stack.signingKey.kid, typ: 'JWT' })
        .sign(new TextEncoder().encode(publicPem)),
      expired: await mint({ exp: Math.floor(Date.now() / 1000) - 60 }),
      'no exp': await mint({ exp: null }),
      'wrong aud': await mint({ aud: 'someone-else' }),
      'wrong iss': await mint({ iss: 'https://evil.example' }),
      'tampered payload': `${header}.${encode({ ...json(payload), roles: ['ADMIN'] })}.${signature}`,
    };
    for (const [name, token] of Object.entries(forgeries)) {
      const { status, body } = await meWith(token);
      expect({ name, status, code: body.errors?.[0]?.extensions?.code, data: body.data }).toEqual({
        name,
        status: 401,
        code: ErrorCode.UNAUTHENTICATED,
        data: undefined,
      });
    }
  });
});

describe('authorization', () => {
  let learner: Auth;
  let other: Auth;

  beforeAll(async () => {
    learner = await signUp('learner@example.test');
    other = await signUp('other@example.test');
  });

  it('refuses every ADMIN operation to a LEARNER with FORBIDDEN and changes nothing', async () => {
    const rolesBefore = await adminQuery('SELECT user_id, role FROM identity.user_roles ORDER BY 1, 2');
    const operations: [string, Record<string, unknown>][] = [
      ['mutation($u: ID!) { grantRole(userId: $u, role: ADMIN) { id } }', { u: learner.user.id }],
      ['mutation($u: ID!) { grantRole(userId: $u, role: TRAINER) { id } }', { u: other.user.id }],
      ['mutation($u: ID!) { revokeRole(userId: $u, role: LEARNER) { id } }', { u: other.user.id }],
      ['{ users { totalCount } }', {}],
    ];
    for (const [query, variables] of operations) {
      const { body } = await stack.query(query, variables, bearer(learner.accessToken));
      expect(body.errors?.[0]?.extensions?.code).toBe(ErrorCode.FORBIDDEN);
    }
    expect(await adminQuery('SELECT user_id, role FROM identity.user_roles ORDER BY 1, 2')).toEqual(rolesBefore);
  });

  it("shows another user's public profile but not their e-mail", async () => {
    const { body } = await stack.query<{ user: unknown; me: unknown }>(
      'query($id: ID!) { user(id: $id) { id displayName email } me { email } }',
      { id: other.user.id },
      bearer(learner.accessToken),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ user: { id: other.user.id, displayName: expect.any(String), email: null }, me: { email: 'learner@example.test' } });
  });
});

describe('password reset', () => {
  async function waitForMail(to: string): Promise<{ text: string }> {
    for (let i = 0; i < 100; i++) {
      for (const file of await readdir(stack.mailDir)) {
        if (!file.endsWith('.json')) continue;
        const mail = JSON.parse(await readFile(join(stack.mailDir, file), 'utf8')) as { to: string; text: string };
        if (mail.to === to) return mail;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no mail to ${to}`);
  }

  it('mails a reset link whose token works once', async () => {
    await signUp('forgetful@example.test');
    const requested = await stack.query<{ requestPasswordReset: boolean }>('mutation { requestPasswordReset(email: "forgetful@example.test") }');
    expect(requested.body.data!.requestPasswordReset).toBe(true);
    const unknown = await stack.query<{ requestPasswordReset: boolean }>('mutation { requestPasswordReset(email: "nobody@example.test") }');
    expect(unknown.body.data!.requestPasswordReset).toBe(true);

    const mail = await waitForMail('forgetful@example.test');
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    expect(token).toBeDefined();
    const reset = (password: string) =>
      stack.query<{ resetPassword: boolean }>('mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }', { t: token, p: password });
    expect((await reset('a brand new passphrase 7')).body.data!.resetPassword).toBe(true);
    expect((await reset('yet another passphrase 8')).body.errors?.[0]?.extensions?.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect((await logIn('forgetful@example.test', 'a brand new passphrase 7')).body.errors).toBeUndefined();
    expect((await logIn('forgetful@example.test', PASSWORD)).body.errors?.[0]?.extensions?.code).toBe(ErrorCode.UNAUTHENTICATED);
  });
});

describe('brute force', () => {
  it('throttles twenty wrong passwords in a row, also for the right one afterwards', async () => {
    await signUp('target@example.test');
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 20; i++) codes.push((await logIn('target@example.test', `wrong password number ${i}`)).body.errors?.[0]?.extensions?.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill(ErrorCode.UNAUTHENTICATED));
    expect(codes.slice(5)).toEqual(Array(15).fill(ErrorCode.RATE_LIMITED));
    expect((await logIn('target@example.test', PASSWORD)).body.errors?.[0]?.extensions?.code).toBe(ErrorCode.RATE_LIMITED);
  });

  it('gives fifteen aliased attempts in one request (the most the alias limit admits) no more tries than one', async () => {
    await signUp('aliased@example.test');
    const aliased = `mutation { ${Array.from({ length: 15 }, (_, i) => `a${i}: logIn(email: "aliased@example.test", password: "wrong password ${i}") { accessToken }`).join(' ')} }`;
    const outcomes: (string | undefined)[] = [];
    for (let i = 0; i < 6; i++) outcomes.push((await stack.query(aliased)).body.errors?.[0]?.extensions?.code);
    // Each request stops at its first failure; after five failures the account is locked.
    expect(outcomes).toEqual([...Array(5).fill(ErrorCode.UNAUTHENTICATED), ErrorCode.RATE_LIMITED]);
    // Five passwords were checked in all (one per request); the locked sixth request checked none.
    const attempts = await adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM identity.login_attempts WHERE email = 'aliased@example.test'");
    expect(attempts[0]!.n).toBe(5);
  });
});
