import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { passwordHashesComputed } from '../src/security/password-hashing.js';
import { createInviteCode } from '../src/services/invite-code.service.js';
import {
  codes,
  logIn,
  PASSWORD,
  refresh,
  signUp,
  startIdentity,
  uniqueEmail,
  viewerOf,
  type TestIdentity,
} from './support/identity.js';

let identity: TestIdentity;
let jwks: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  identity = await startIdentity();
  const response = await fetch(new URL('/.well-known/jwks.json', identity.subgraph.url));
  jwks = createLocalJWKSet((await response.json()) as JSONWebKeySet);
});

afterAll(async () => {
  await identity?.stop();
});

const verify = (token: string) =>
  jwtVerify(token, jwks, { algorithms: ['EdDSA'], issuer: 'academy-supergraph', audience: 'academy-api', typ: 'JWT' });

async function familyOf(refreshTokenUserId: string) {
  return identity.sql<{ used: boolean; revoked: boolean }>(
    `SELECT used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked FROM identity.refresh_tokens WHERE user_id = $1 ORDER BY issued_at, id`,
    [refreshTokenUserId],
  );
}

describe('sign-up, sign-in and sessions', () => {
  it('signs up, logs in, answers me for that viewer, refreshes and logs out', async () => {
    const email = uniqueEmail('Flow');
    const signedUp = await signUp(identity, { email: `  ${email.toUpperCase()} `, firstName: ' Ada ', lastName: 'Lovelace' });
    // The new user sees their own address in the payload; nobody else sees it anywhere.
    expect(signedUp.user).toMatchObject({ email, displayName: 'Ada Lovelace', roles: ['LEARNER'] });
    const [row] = await identity.sql<{ email: string; password_hash: string; first_name: string }>(
      'SELECT email, password_hash, first_name FROM identity.users WHERE id = $1',
      [signedUp.user.id],
    );
    expect(row).toMatchObject({ email, first_name: 'Ada' });
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const login = await logIn(identity, email.toUpperCase(), PASSWORD);
    expect(login.body.errors).toBeUndefined();
    const session = login.body.data!.logIn;
    expect(session.user).toMatchObject({ id: signedUp.user.id, email });
    const { payload } = await verify(session.accessToken);
    expect(payload.sub).toBe(signedUp.user.id);

    const me = await identity.subgraph.request<{ me: { id: string; email: string; roles: string[] } }>('{ me { id email roles } }', {}, { viewer: viewerOf(session) });
    expect(me.body.data!.me).toEqual({ id: signedUp.user.id, email, roles: ['LEARNER'] });

    const refreshed = await refresh(identity, session.refreshToken);
    expect(refreshed.body.errors).toBeUndefined();
    const next = refreshed.body.data!.refreshSession;
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.user).toMatchObject({ id: signedUp.user.id, email });
    await verify(next.accessToken);
    const other = await identity.subgraph.request<{ user: { email: string | null } }>('query($id: ID!) { user(id: $id) { email } }', { id: signedUp.user.id });
    expect(other.body.data!.user.email).toBeNull();

    const out = await identity.subgraph.request<{ logOut: boolean }>('mutation($t: String!) { logOut(refreshToken: $t) }', { t: next.refreshToken });
    expect(out.body.data!.logOut).toBe(true);
    expect(codes((await refresh(identity, next.refreshToken)).body)).toEqual(['UNAUTHENTICATED']);
    // Two sessions: the sign-up's (untouched) and the log-in's (rotated once, then ended).
    const tokens = await familyOf(signedUp.user.id);
    expect(tokens).toEqual([
      { used: false, revoked: false },
      { used: true, revoked: true },
      { used: false, revoked: true },
    ]);
    // Unknown tokens log out too, revealing nothing.
    const unknown = await identity.subgraph.request<{ logOut: boolean }>('mutation { logOut(refreshToken: "not-a-token") }');
    expect(unknown.body.data!.logOut).toBe(true);
  });

  it('stores refresh tokens only as SHA-256 hashes', async () => {
    const session = await signUp(identity, { email: uniqueEmail('hash') });
    expect(Buffer.from(session.refreshToken, 'base64url')).toHaveLength(32);
    const rows = await identity.sql<{ hex: string }>(`SELECT encode(token_hash, 'hex') AS hex FROM identity.refresh_tokens WHERE user_id = $1`, [
      session.user.id,
    ]);
    const { createHash } = await import('node:crypto');
    expect(rows.map((r) => r.hex)).toEqual([createHash('sha256').update(session.refreshToken).digest('hex')]);
  });

  it('revokes the whole family when a refresh token is used twice, including the token that replaced it', async () => {
    const session = await signUp(identity, { email: uniqueEmail('reuse') });
    const first = await refresh(identity, session.refreshToken);
    const replacement = first.body.data!.refreshSession.refreshToken;
    const reuse = await refresh(identity, session.refreshToken);
    expect(codes(reuse.body)).toEqual(['UNAUTHENTICATED']);
    expect(codes((await refresh(identity, replacement)).body)).toEqual(['UNAUTHENTICATED']);
    expect((await familyOf(session.user.id)).every((t) => t.revoked)).toBe(true);
    const audit = await identity.sql<{ action: string }>(`SELECT action FROM identity.audit_log WHERE subject_user_id = $1 ORDER BY id`, [session.user.id]);
    expect(audit.map((a) => a.action)).toEqual(['user.signed_up', 'refresh_token.reuse_detected']);
  });

  it('lets exactly one of two concurrent refreshes of one token succeed', async () => {
    const session = await signUp(identity, { email: uniqueEmail('race') });
    const results = await Promise.all([refresh(identity, session.refreshToken), refresh(identity, session.refreshToken)]);
    const succeeded = results.filter((r) => !r.body.errors);
    expect(succeeded).toHaveLength(1);
    expect(results.flatMap((r) => codes(r.body))).toEqual(['UNAUTHENTICATED']);
    // The loser presented a used token: the family is revoked, the winner's new token with it.
    expect(codes((await refresh(identity, succeeded[0]!.body.data!.refreshSession.refreshToken)).body)).toEqual(['UNAUTHENTICATED']);
    const rows = await identity.sql<{ n: number }>(`SELECT count(*)::int AS n FROM identity.refresh_tokens WHERE user_id = $1`, [session.user.id]);
    expect(rows[0]!.n).toBe(2);
  });

  it('refuses expired refresh tokens', async () => {
    const session = await signUp(identity, { email: uniqueEmail('expired') });
    await identity.sql(`UPDATE identity.refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [session.user.id]);
    expect(codes((await refresh(identity, session.refreshToken)).body)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a second account for an address, whatever its case, with CONFLICT', async () => {
    const email = uniqueEmail('dup');
    await signUp(identity, { email });
    const again = await identity.subgraph.request('mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }', {
      i: { email: email.toUpperCase(), password: PASSWORD, firstName: 'A', lastName: 'B' },
    });
    expect(codes(again.body)).toEqual(['CONFLICT']);
    expect(await identity.sql(`SELECT 1 FROM identity.users WHERE email = $1`, [email])).toHaveLength(1);
  });

  it('validates every sign-up field and creates nothing when one is wrong', async () => {
    const email = uniqueEmail('invalid');
    const cases: [Record<string, string>, string][] = [
      [{ email: 'not-an-address' }, 'email'],
      [{ email: `${'a'.repeat(250)}@example.test` }, 'email'],
      [{ password: 'short-pw-1' }, 'password'],
      [{ password: 'x'.repeat(257) }, 'password'],
      [{ password: 'Password1234' }, 'password'],
      [{ password: '1QAZ2WSX3EDC' }, 'password'],
      [{ password: email }, 'password'],
      [{ password: email.split('@')[0]!.toUpperCase() }, 'password'],
      [{ firstName: '   ' }, 'firstName'],
      [{ lastName: 'x'.repeat(101) }, 'lastName'],
    ];
    for (const [override, field] of cases) {
      const { body } = await identity.subgraph.request<unknown>('mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }', {
        i: { email, password: PASSWORD, firstName: 'Val', lastName: 'Id', ...override },
      });
      expect([JSON.stringify(override).slice(0, 40), codes(body)]).toEqual([JSON.stringify(override).slice(0, 40), ['BAD_USER_INPUT']]);
      expect((body.errors![0]!.extensions as { field?: string }).field).toBe(field);
    }
    expect(await identity.sql(`SELECT 1 FROM identity.users WHERE email = $1`, [email])).toHaveLength(0);
  });

  it('grants the role of a valid invite code and refuses unknown, used-up and expired codes without creating anything', async () => {
    const db = identity.subgraph.service.database.db;
    const invite = await createInviteCode(db, { role: 'TRAINER', usageLimit: 1 });
    const trainer = await signUp(identity, { email: uniqueEmail('invited'), inviteCode: ` ${invite.code} ` });
    expect(trainer.user.roles).toEqual(['LEARNER', 'TRAINER']);
    const expired = await createInviteCode(db, { role: 'ORGANIZER', expiresAt: new Date(Date.now() - 1000) });
    for (const code of [invite.code, expired.code, 'no-such-code']) {
      const email = uniqueEmail('refused');
      const hashes = passwordHashesComputed();
      const { body } = await identity.subgraph.request('mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }', {
        i: { email, password: PASSWORD, firstName: 'No', lastName: 'Body', inviteCode: code },
      });
      expect(codes(body)).toEqual(['BAD_USER_INPUT']);
      // Refused before the password is hashed: a wrong code costs no Argon2 work.
      expect(passwordHashesComputed()).toBe(hashes);
      expect(await identity.sql(`SELECT 1 FROM identity.users WHERE email = $1`, [email])).toHaveLength(0);
    }
    const rows = await identity.sql<{ usage_count: number; code_hash: string }>(
      `SELECT usage_count, encode(code_hash, 'hex') AS code_hash FROM identity.invite_codes WHERE id = ANY($1::uuid[]) ORDER BY created_at`,
      [[invite.id, expired.id]],
    );
    expect(rows.map((r) => r.usage_count)).toEqual([1, 0]);
    expect(rows.some((r) => r.code_hash.includes(Buffer.from(invite.code).toString('hex')))).toBe(false);
  });

  it('issues EdDSA access tokens with the specified header and claims, verifiable with the published JWKS', async () => {
    const email = uniqueEmail('jwt');
    const session = await signUp(identity, { email });
    const header = decodeProtectedHeader(session.accessToken);
    const { payload, protectedHeader } = await verify(session.accessToken);
    expect(header).toEqual(protectedHeader);
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: expect.any(String), typ: 'JWT' });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'roles', 'sub']);
    expect(payload).toMatchObject({ iss: 'academy-supergraph', aud: 'academy-api', sub: session.user.id, roles: ['LEARNER'] });
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
    expect(new Date(session.accessTokenExpiresAt).getTime()).toBe(payload.exp! * 1000);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    const [key] = await identity.sql<{ kid: string }>('SELECT kid FROM identity.signing_keys WHERE retired_at IS NULL');
    expect(protectedHeader.kid).toBe(key!.kid);
  });

  it('writes audit rows for sign-up and sign-in, with the address as typed and never the password', async () => {
    const email = uniqueEmail('audit');
    const session = await signUp(identity, { email });
    await logIn(identity, ` ${email.toUpperCase()}`, 'Wrong-Password-123', { clientAddress: '198.51.100.7' });
    await logIn(identity, email, PASSWORD, { clientAddress: '198.51.100.7' });
    await identity.subgraph.request('mutation($t: String!) { logOut(refreshToken: $t) }', { t: session.refreshToken });
    const rows = await identity.sql<{ action: string; actor_user_id: string | null; subject_user_id: string; client_address: string; details: Record<string, unknown> }>(
      `SELECT action, actor_user_id, subject_user_id, client_address, details FROM identity.audit_log WHERE subject_user_id = $1 ORDER BY id`,
      [session.user.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['user.signed_up', 'login.failed', 'login.succeeded', 'session.logged_out']);
    expect(rows[1]).toMatchObject({ actor_user_id: null, client_address: '198.51.100.7', details: { email: ` ${email.toUpperCase()}` } });
    expect(rows[2]).toMatchObject({ actor_user_id: session.user.id, details: { email } });
    expect(JSON.stringify(rows)).not.toContain('Wrong-Password-123');
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
    await expect(identity.sql('DELETE FROM identity.audit_log')).rejects.toThrow(/append-only/);
  });
});
