import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { codes, logIn, PASSWORD, signUp, startIdentity, uniqueEmail, type TestIdentity } from './support/identity.js';

let identity: TestIdentity;
beforeAll(async () => {
  identity = await startIdentity();
});
afterAll(async () => {
  await identity?.stop();
});

type LoginError = { message: string; extensions?: { code?: string; retryAfterSeconds?: number } };

async function attempts(email: string) {
  return identity.sql<{ success: boolean | null; client_address: string }>(
    'SELECT success, client_address FROM identity.login_attempts WHERE email = $1 ORDER BY id',
    [email],
  );
}

describe('logIn throttling', () => {
  it('refuses wrong passwords with UNAUTHENTICATED five times, then RATE_LIMITED with retryAfterSeconds, even for the right password', async () => {
    const email = uniqueEmail('victim');
    await signUp(identity, { email });
    const results: LoginError[] = [];
    for (let i = 0; i < 20; i++) {
      const { body } = await logIn(identity, email, `Wrong-Password-${i}`, { clientAddress: '203.0.113.10' });
      results.push(body.errors![0] as LoginError);
    }
    expect(results.map((e) => e.extensions?.code)).toEqual([...Array(5).fill('UNAUTHENTICATED'), ...Array(15).fill('RATE_LIMITED')]);
    for (const error of results.slice(5)) {
      expect(error.extensions!.retryAfterSeconds).toBeGreaterThan(14 * 60);
      expect(error.extensions!.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    }
    const right = await logIn(identity, email, PASSWORD, { clientAddress: '203.0.113.11' });
    expect(codes(right.body)).toEqual(['RATE_LIMITED']);
    // Refused attempts are not counted: the lock ends 15 minutes after the fifth failure.
    expect(await attempts(email)).toHaveLength(5);
    const audit = await identity.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM identity.audit_log WHERE action = 'login.throttled' AND details->>'email' = $1`,
      [email],
    );
    expect(audit[0]!.n).toBe(16);
  });

  it('lifts the lock once the failures are older than the window', async () => {
    const email = uniqueEmail('later');
    await signUp(identity, { email });
    for (let i = 0; i < 5; i++) await logIn(identity, email, 'Wrong-Password-x', { clientAddress: '203.0.113.20' });
    expect(codes((await logIn(identity, email, PASSWORD, { clientAddress: '203.0.113.20' })).body)).toEqual(['RATE_LIMITED']);
    await identity.sql(`UPDATE identity.login_attempts SET attempted_at = attempted_at - interval '16 minutes' WHERE email = $1`, [email]);
    const ok = await logIn(identity, email, PASSWORD, { clientAddress: '203.0.113.20' });
    expect(ok.body.errors).toBeUndefined();
    expect((await attempts(email)).map((a) => a.success)).toEqual([false, false, false, false, false, true]);
  });

  it('counts aliased logIn fields of one request, which run one after another', async () => {
    const email = uniqueEmail('aliased');
    await signUp(identity, { email });
    const address = '203.0.113.30';
    const aliased = (password: (i: number) => string) =>
      identity.subgraph.request<Record<string, { user: { id: string } } | null>>(
        `mutation($email: String!) { ${Array.from({ length: 20 }, (_, i) => `a${i}: logIn(email: $email, password: "${password(i)}") { user { id } }`).join('\n')} }`,
        { email },
        { clientAddress: address },
      );
    // Fields that succeed are each counted (as successes).
    const ok = await aliased(() => PASSWORD);
    expect(ok.body.errors).toBeUndefined();
    expect(Object.keys(ok.body.data!)).toHaveLength(20);
    expect((await attempts(email)).filter((a) => a.success)).toHaveLength(20);
    // logIn returns AuthPayload!, so the first failure ends the whole operation: one request
    // tries one wrong password, and counts as one failure.
    for (let request = 1; request <= 6; request++) {
      const { body } = await aliased((i) => `Wrong-Password-${request}-${i}`);
      expect(body.data ?? null).toBeNull();
      expect(body.errors!.map((e) => [(e as { path?: string[] }).path, e.extensions?.code])).toEqual([
        [['a0'], request <= 5 ? 'UNAUTHENTICATED' : 'RATE_LIMITED'],
      ]);
    }
    expect((await attempts(email)).filter((a) => a.success === false)).toHaveLength(5);
  });

  it('answers an unknown address exactly as a wrong password, and throttles it the same way', async () => {
    const known = uniqueEmail('known');
    await signUp(identity, { email: known });
    const unknown = uniqueEmail('nobody');
    const wrong: LoginError[] = [];
    const missing: LoginError[] = [];
    for (let i = 0; i < 6; i++) {
      wrong.push((await logIn(identity, known, 'Wrong-Password-1', { clientAddress: '203.0.113.40' })).body.errors![0] as LoginError);
      missing.push((await logIn(identity, unknown, 'Wrong-Password-1', { clientAddress: '203.0.113.41' })).body.errors![0] as LoginError);
    }
    const shape = (e: LoginError) => ({ message: e.message, code: e.extensions?.code });
    expect(wrong.map(shape)).toEqual(missing.map(shape));
    expect(wrong[0]).toEqual({
      message: 'The e-mail address or password is not correct.',
      path: ['logIn'],
      locations: expect.any(Array),
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(shape(wrong[5]!)).toEqual({ message: 'Too many failed sign-in attempts: try again later.', code: 'RATE_LIMITED' });
    expect(await attempts(unknown)).toHaveLength(5);
  });

  it('limits failures per client address across different e-mail addresses', async () => {
    const address = '203.0.113.50';
    const results: (string | undefined)[] = [];
    for (let i = 0; i < 20; i++) {
      const { body } = await logIn(identity, uniqueEmail(`spray${i % 4}`), 'Wrong-Password-1', { clientAddress: address });
      results.push(...codes(body));
    }
    expect(results).toEqual(Array(20).fill('UNAUTHENTICATED'));
    const email = uniqueEmail('innocent');
    await signUp(identity, { email });
    const blocked = await logIn(identity, email, PASSWORD, { clientAddress: address });
    expect(codes(blocked.body)).toEqual(['RATE_LIMITED']);
    // From elsewhere the same account signs in.
    const elsewhere = await logIn(identity, email, PASSWORD, { clientAddress: '203.0.113.51' });
    expect(elsewhere.body.errors).toBeUndefined();
  });

  it('counts parallel attempts before their passwords are checked', async () => {
    const email = uniqueEmail('parallel');
    await signUp(identity, { email });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => logIn(identity, email, `Wrong-Password-${i}`, { clientAddress: `203.0.113.${100 + i}` })),
    );
    const all = results.flatMap((r) => codes(r.body));
    expect(all.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(5);
    expect(all.filter((c) => c === 'RATE_LIMITED')).toHaveLength(7);
  });
});
