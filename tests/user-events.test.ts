// identity's UserRegistered, consumed by ai-analytics: a sign-up through identity's GraphQL
// becomes exactly one `user.registered` analytics row, whatever is replayed or restarted, and a
// sign-up that fails publishes nothing. identity and ai-analytics run as real servers on one
// test database, each with its own role.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CALLER_HEADER, createDatabase, createLogger, signCallerToken, type RunningServer } from '@academy/service-kit';
import { createTestDatabase, type TestDatabase } from '@academy/service-kit/testing';
import { buildAiAnalyticsSubgraph, createIdentityEventConsumer, IDENTITY_CONSUMER, type AiAnalyticsSubgraph } from '@academy/subgraph-ai-analytics';
import { buildIdentitySubgraph, identitySettings, type IdentitySubgraph } from '@academy/subgraph-identity';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { adminRows } from './support/fixtures.js';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }';
const PASSWORD = 'Lumen-Quartz-8841-Tide';

let database: TestDatabase;
let mailDir: string;
const gatewaySecret = randomBytes(32).toString('base64url');
let identity: { service: IdentitySubgraph; running: RunningServer };
let analytics: { service: AiAnalyticsSubgraph; running: RunningServer } | null = null;

async function startAnalytics() {
  const service = buildAiAnalyticsSubgraph({ databaseUrl: database.urlFor('academy_ai_analytics'), gatewaySecret, poolSize: 3, logLevel: 'silent' });
  return { service, running: await service.start(0, '127.0.0.1') };
}

async function stopAnalytics() {
  if (!analytics) return;
  await analytics.running.stop();
  await analytics.service.database.close();
  analytics = null;
}

beforeAll(async () => {
  database = await createTestDatabase();
  mailDir = await mkdtemp(join(tmpdir(), 'user-events-mail-'));
  const service = buildIdentitySubgraph({
    databaseUrl: database.urlFor('academy_identity'),
    gatewaySecret,
    poolSize: 3,
    logLevel: 'silent',
    identity: identitySettings({ MAIL_DIR: mailDir }),
  });
  identity = { service, running: await service.start(0, '127.0.0.1') };
  analytics = await startAnalytics();
});

afterAll(async () => {
  await stopAnalytics();
  if (identity) {
    await identity.running.stop();
    await identity.service.database.close();
  }
  await database?.drop();
  if (mailDir) await rm(mailDir, { recursive: true, force: true });
});

/** Signs up through identity's GraphQL, as the gateway would send it; the answer's body. */
async function signUp(email: string) {
  const caller = { viewer: null, clientAddress: '127.0.0.1', requestId: null };
  const response = await fetch(identity.running.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CALLER_HEADER]: await signCallerToken(caller, gatewaySecret, 'identity') },
    body: JSON.stringify({ query: SIGN_UP, variables: { input: { email, password: PASSWORD, firstName: 'Test', lastName: 'User' } } }),
  });
  return (await response.json()) as { data?: { signUp: { user: { id: string } } }; errors?: { extensions?: { code?: string } }[] };
}

async function signedUpUserId(email: string): Promise<string> {
  const body = await signUp(email);
  if (!body.data) throw new Error(`signUp failed: ${JSON.stringify(body.errors)}`);
  return body.data.signUp.user.id;
}

interface AnalyticsRow {
  name: string;
  user_id: string;
  anonymous_id: string | null;
  occurred_at: Date;
  properties: { roles: string[]; eventId: string };
}

const registrations = (userId: string) =>
  adminRows<AnalyticsRow>(
    database.adminUrl,
    "SELECT name, user_id, anonymous_id, occurred_at, properties FROM ai_analytics.analytics_events WHERE name = 'user.registered' AND user_id = $1",
    [userId],
  );

const allRegistrations = async () =>
  Number((await adminRows<{ n: string }>(database.adminUrl, "SELECT count(*) AS n FROM ai_analytics.analytics_events WHERE name = 'user.registered'"))[0]!.n);

const outbox = () =>
  adminRows<{ event_id: string; type: string; aggregate_id: string; payload: Record<string, unknown>; occurred_at: Date; id: string; tx_id: string }>(
    database.adminUrl,
    'SELECT event_id::text, type, aggregate_id, payload, occurred_at, id::text, tx_id::text FROM identity.outbox ORDER BY tx_id, id',
  );

/** Waits (polling) until `userId`'s registration is recorded; its rows then. */
async function recorded(userId: string): Promise<AnalyticsRow[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rows = await registrations(userId);
    if (rows.length > 0) return rows;
    if (Date.now() > deadline) throw new Error(`no user.registered row for ${userId}`);
    await delay(25);
  }
}

describe('UserRegistered from identity to ai-analytics', () => {
  let first: string;

  it('records a sign-up as exactly one user.registered row, from an event without personal data', async () => {
    first = await signedUpUserId('first.registration@example.test');
    const rows = await recorded(first);
    const events = (await outbox()).filter((e) => e.aggregate_id === first);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.type).toBe('UserRegistered');
    expect(event!.payload).toEqual({ userId: first, roles: ['LEARNER'], registeredAt: expect.any(String) });
    const [user] = await adminRows<{ created_at: Date }>(database.adminUrl, 'SELECT created_at FROM identity.users WHERE id = $1', [first]);
    expect(new Date(event!.payload.registeredAt as string).getTime()).toBe(user!.created_at.getTime());
    expect(rows).toEqual([
      { name: 'user.registered', user_id: first, anonymous_id: null, occurred_at: user!.created_at, properties: { roles: ['LEARNER'], eventId: event!.event_id } },
    ]);
    // Everything readable processed once more by the running consumer: still one row.
    await analytics!.service.identityEvents.drain();
    expect(await registrations(first)).toHaveLength(1);
  });

  it('publishes nothing for a sign-up that fails', async () => {
    const before = await outbox();
    const body = await signUp('first.registration@example.test');
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['CONFLICT']);
    expect(await outbox()).toEqual(before);
    await analytics!.service.identityEvents.drain();
    expect(await allRegistrations()).toBe(1);
  });

  it('adds nothing when the events are processed again by another instance from the start', async () => {
    const consuming = createDatabase<any>({ connectionString: database.urlFor('academy_ai_analytics') });
    const replay = createIdentityEventConsumer({ db: consuming.db, logger: createLogger('silent') });
    try {
      await adminRows(database.adminUrl, "UPDATE ai_analytics.event_checkpoints SET tx_id = '0', last_id = 0 WHERE consumer = $1", [IDENTITY_CONSUMER]);
      const last = (await outbox()).at(-1)!;
      // Drained until the checkpoint is back past every event: each was read again.
      for (;;) {
        await replay.drain();
        const [checkpoint] = await adminRows<{ caught_up: boolean }>(
          database.adminUrl,
          'SELECT (tx_id, last_id) >= ($2::xid8, $3::bigint) AS caught_up FROM ai_analytics.event_checkpoints WHERE consumer = $1',
          [IDENTITY_CONSUMER, last.tx_id, last.id],
        );
        if (checkpoint?.caught_up) break;
        await delay(25);
      }
    } finally {
      await replay.stop();
      await consuming.close();
    }
    expect(await registrations(first)).toHaveLength(1);
    expect(await allRegistrations()).toBe(1);
  });

  it('resumes from its checkpoint after a restart: what came meanwhile once, nothing before it again', async () => {
    await stopAnalytics();
    const meanwhile = await signedUpUserId('while.stopped@example.test');
    expect(await registrations(meanwhile)).toEqual([]);
    // Only the checkpoint now keeps the first registration from being recorded again.
    await adminRows(database.adminUrl, 'DELETE FROM ai_analytics.processed_events WHERE consumer = $1', [IDENTITY_CONSUMER]);
    analytics = await startAnalytics();
    expect(await recorded(meanwhile)).toHaveLength(1);
    await analytics.service.identityEvents.drain();
    expect(await registrations(meanwhile)).toHaveLength(1);
    expect(await registrations(first)).toHaveLength(1);
    expect(await allRegistrations()).toBe(2);
  });
});
