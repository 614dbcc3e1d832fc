// Throttles of cheap calls, and client addresses behind a proxy. The stack trusts one proxy
// (TRUST_PROXY=true): the test process stands in for it, so each test names the client
// address it speaks for as the last X-Forwarded-For entry.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadGatewayConfig } from '@academy/gateway';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ErrorCode } from '@academy/service-kit';
import { adminRows } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

/** The gateway's defaults, which these tests run with. */
const DEFAULTS = loadGatewayConfig({ GATEWAY_SECRET: 'x'.repeat(32) });
const PASSWORD = 'a long enough passphrase 1';

let stack: TestStack;
let addressCounter = 0;

/** A client address of its own for each use (TEST-NET-3), so tests do not share counters. */
const newAddress = () => `203.0.113.${++addressCounter}`;
const unique = () => randomUUID().slice(0, 8);

beforeAll(async () => {
  stack = await startStack({ gateway: { TRUST_PROXY: 'true', THROTTLE_SIGN_UP_PER_ADDRESS: String(DEFAULTS.THROTTLE_SIGN_UP_PER_ADDRESS) } });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: number } }[] };
}

async function send(url: string, query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

const from = (address: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  send(stack.gateway.url, query, variables, { 'x-forwarded-for': address, ...headers });

const adminQuery = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => adminRows<T>(stack.database.adminUrl, text, values);

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const signUpInput = (email: string) => ({ input: { email, password: PASSWORD, firstName: 'Abuse', lastName: 'Test' } });
const usersLike = async (pattern: string) => (await adminQuery<{ n: number }>('SELECT count(*)::int AS n FROM identity.users WHERE email LIKE $1', [pattern]))[0]!.n;

function expectRateLimited(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors?.[0]?.extensions?.code).toBe(ErrorCode.RATE_LIMITED);
  const retryAfterSeconds = answer.body.errors?.[0]?.extensions?.retryAfterSeconds;
  expect(retryAfterSeconds).toBeGreaterThan(0);
  expect(answer.retryAfter).toBe(String(retryAfterSeconds));
}

describe('signUp', () => {
  // Twelve: over the per-address throttle (10) and under the alias limit (15), which refuses 16
  // aliases before any throttle counts (tests/operation-limits.test.ts).
  it('refuses twelve aliased signUps in one request whole: no account is created', async () => {
    const run = unique();
    const aliases = Array.from(
      { length: 12 },
      (_, i) => `a${i}: signUp(input: { email: "alias-${i}-${run}@example.test", password: "${PASSWORD}", firstName: "A", lastName: "B" }) { accessToken }`,
    );
    const answer = await from(newAddress(), `mutation { ${aliases.join(' ')} }`);
    expectRateLimited(answer);
    expect(await usersLike(`alias-%-${run}@example.test`)).toBe(0);
  });

  it('counts fields reached through fragments one by one as well', async () => {
    const run = unique();
    const fields = Array.from({ length: 12 }, (_, i) => `a${i}: signUp(input: { email: "fragment-${i}-${run}@example.test", password: "${PASSWORD}", firstName: "A", lastName: "B" }) { accessToken }`);
    const answer = await from(newAddress(), `mutation { ...SignUps } fragment SignUps on Mutation { ${fields.join(' ')} }`);
    expectRateLimited(answer);
    expect(await usersLike(`fragment-%-${run}@example.test`)).toBe(0);
  });

  it('creates at most THROTTLE_SIGN_UP_PER_ADDRESS accounts from one address in a window, one request at a time', async () => {
    const run = unique();
    const address = newAddress();
    const limit = DEFAULTS.THROTTLE_SIGN_UP_PER_ADDRESS;
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < limit + 2; i++) codes.push((await from(address, SIGN_UP, signUpInput(`one-${i}-${run}@example.test`))).body.errors?.[0]?.extensions?.code);
    expect(codes).toEqual([...Array(limit).fill(undefined), ErrorCode.RATE_LIMITED, ErrorCode.RATE_LIMITED]);
    expect(await usersLike(`one-%-${run}@example.test`)).toBe(limit);
    // Another address is not affected.
    expect((await from(newAddress(), SIGN_UP, signUpInput(`other-${run}@example.test`))).body.errors).toBeUndefined();
  });

  it('counts the addresses of one IPv6 /64 together, IPv4-mapped ones as IPv4', async () => {
    const run = unique();
    const network = `2001:db8:${addressCounter++}:7`;
    const limit = DEFAULTS.THROTTLE_SIGN_UP_PER_ADDRESS;
    for (let i = 0; i < limit; i++) expect((await from(`${network}::${(i + 1).toString(16)}`, SIGN_UP, signUpInput(`v6-${i}-${run}@example.test`))).body.errors).toBeUndefined();
    expectRateLimited(await from(`${network}:ffff:ffff:ffff:ffff`, SIGN_UP, signUpInput(`v6-last-${run}@example.test`)));
    expect(await usersLike(`v6-%-${run}@example.test`)).toBe(limit);

    const v4 = newAddress();
    for (let i = 0; i < limit; i++) expect((await from(i % 2 ? v4 : `::ffff:${v4}`, SIGN_UP, signUpInput(`v4-${i}-${run}@example.test`))).body.errors).toBeUndefined();
    expectRateLimited(await from(`::ffff:${v4}`, SIGN_UP, signUpInput(`v4-last-${run}@example.test`)));
  });

  it('limits attempts per e-mail address across client addresses, so a taken address cannot be probed freely', async () => {
    const email = `taken-${unique()}@Example.test`;
    const limit = DEFAULTS.THROTTLE_SIGN_UP_PER_EMAIL;
    const codes: (string | undefined)[] = [];
    // The same address in other spellings counts as the same address.
    for (let i = 0; i < limit; i++) codes.push((await from(newAddress(), SIGN_UP, signUpInput(i % 2 ? email.toLowerCase() : ` ${email} `))).body.errors?.[0]?.extensions?.code);
    expect(codes).toEqual([undefined, ...Array(limit - 1).fill(ErrorCode.CONFLICT)]);
    expectRateLimited(await from(newAddress(), SIGN_UP, signUpInput(email)));
  });
});

describe('requestPasswordReset and logIn', () => {
  it('limits password reset requests per e-mail address across client addresses', async () => {
    const email = `reset-${unique()}@example.test`;
    const query = 'mutation($e: String!) { requestPasswordReset(email: $e) }';
    for (let i = 0; i < DEFAULTS.THROTTLE_PASSWORD_RESET_PER_EMAIL; i++) expect((await from(newAddress(), query, { e: email })).body.data).toEqual({ requestPasswordReset: true });
    expectRateLimited(await from(newAddress(), query, { e: email }));
  });

  it('counts successful sign-ins too, per e-mail address', async () => {
    const email = `login-${unique()}@example.test`;
    expect((await from(newAddress(), SIGN_UP, signUpInput(email))).body.errors).toBeUndefined();
    const query = 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }';
    for (let i = 0; i < DEFAULTS.THROTTLE_LOG_IN_PER_EMAIL; i++) expect((await from(newAddress(), query, { e: email, p: PASSWORD })).body.errors).toBeUndefined();
    const refused = await from(newAddress(), query, { e: email, p: PASSWORD });
    expectRateLimited(refused);
    const sessions = await adminQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM identity.refresh_tokens t JOIN identity.users u ON u.id = t.user_id WHERE u.email = $1',
      [email],
    );
    // One session from signUp, one per accepted logIn.
    expect(sessions[0]!.n).toBe(1 + DEFAULTS.THROTTLE_LOG_IN_PER_EMAIL);
  });
});

describe('trackEvents', () => {
  const TRACK = 'mutation($events: [AnalyticsEventInput!]!) { trackEvents(events: $events) }';
  const batch = (anonymousId: string) => ({ events: Array.from({ length: 100 }, () => ({ name: 'page_viewed', anonymousId })) });
  const stored = async (anonymousId: string) =>
    (await adminQuery<{ n: number }>('SELECT count(*)::int AS n FROM ai_analytics.analytics_events WHERE anonymous_id = $1', [anonymousId]))[0]!.n;

  it('refuses a flood of anonymous events from one address, counting events, not calls', async () => {
    const address = newAddress();
    const anonymousId = `flood-${unique()}`;
    const accepted = DEFAULTS.THROTTLE_ANONYMOUS_EVENTS_PER_ADDRESS / 100;
    for (let i = 0; i < accepted; i++) expect((await from(address, TRACK, batch(anonymousId))).body.data).toEqual({ trackEvents: 100 });
    expectRateLimited(await from(address, TRACK, batch(anonymousId)));
    expect(await stored(anonymousId)).toBe(DEFAULTS.THROTTLE_ANONYMOUS_EVENTS_PER_ADDRESS);
  });

  it('does not throttle signed-in callers', async () => {
    const address = newAddress();
    const signedUp = await from(address, SIGN_UP, signUpInput(`tracker-${unique()}@example.test`));
    const token = (signedUp.body.data as { signUp: { accessToken: string } }).signUp.accessToken;
    const anonymousId = `signed-in-${unique()}`;
    const calls = DEFAULTS.THROTTLE_ANONYMOUS_EVENTS_PER_ADDRESS / 100 + 1;
    for (let i = 0; i < calls; i++) {
      expect((await from(address, TRACK, batch(anonymousId), { authorization: `Bearer ${token}` })).body.data).toEqual({ trackEvents: 100 });
    }
    expect(await stored(anonymousId)).toBe(calls * 100);
  });
});

describe('client addresses behind a proxy', () => {
  it('takes the address the proxy saw, not one the client wrote: a forged X-Forwarded-For does not escape the per-address login lock', async () => {
    const real = newAddress();
    const run = unique();
    const query = 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }';
    // identity locks an address after 20 failures in its window (LOGIN_MAX_FAILURES_PER_ADDRESS);
    // spread over five accounts, so that no account is locked on its own.
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 20; i++) {
      const forged = `198.51.100.${i + 1}`;
      codes.push((await from(`${forged}, ${real}`, query, { e: `guess-${i % 5}-${run}@example.test`, p: `wrong ${i}` })).body.errors?.[0]?.extensions?.code);
    }
    expect(codes).toEqual(Array(20).fill(ErrorCode.UNAUTHENTICATED));
    const next = await from(`198.51.100.200, ${real}`, query, { e: `guess-new-${run}@example.test`, p: 'wrong' });
    expect(next.body.errors?.[0]?.extensions?.code).toBe(ErrorCode.RATE_LIMITED);
    const recorded = await adminQuery<{ client_address: string }>('SELECT DISTINCT client_address FROM identity.login_attempts WHERE email LIKE $1', [
      `guess-%-${run}@example.test`,
    ]);
    expect(recorded).toEqual([{ client_address: real }]);
  });
});

const redisUrl = process.env.REDIS_URL;
if (redisUrl) sharedCounters(redisUrl);
else console.log('Shared throttle counters not tested: set REDIS_URL (e.g. redis://127.0.0.1:6379) to test them; counting in memory is tested.');

function sharedCounters(redisUrl: string) {
  describe('with Redis (REDIS_URL)', () => {
    let shared: TestStack;

    beforeAll(async () => {
      shared = await startStack({ second: true, gateway: { TRUST_PROXY: 'true', REDIS_URL: redisUrl } });
    }, 60_000);

    afterAll(async () => {
      await shared?.stop();
    });

    it('shares the counters between gateway processes', async () => {
      const email = `shared-${unique()}@example.test`;
      const query = 'mutation($e: String!) { requestPasswordReset(email: $e) }';
      const gateways = [shared.gateway.url, shared.secondGateway!.url];
      const limit = DEFAULTS.THROTTLE_PASSWORD_RESET_PER_EMAIL;
      for (let i = 0; i < limit; i++) {
        const answer = await send(gateways[i % 2]!, query, { e: email }, { 'x-forwarded-for': newAddress() });
        expect(answer.body.data).toEqual({ requestPasswordReset: true });
      }
      // Each gateway has counted fewer than the limit itself; together they have reached it.
      expectRateLimited(await send(gateways[limit % 2]!, query, { e: email }, { 'x-forwarded-for': newAddress() }));
      expectRateLimited(await send(gateways[(limit + 1) % 2]!, query, { e: email }, { 'x-forwarded-for': newAddress() }));
    });
  });
}
