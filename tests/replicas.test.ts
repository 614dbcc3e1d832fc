import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, mintTestAccessToken, queryRows, type TestDatabase } from '@academy/service-kit/testing';
import { createClient, type Client } from 'graphql-ws';
import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import WebSocket from 'ws';
import { haproxyAvailable, startScaleLayout, type ScaleLayout } from '../scripts/scale/layout.js';
import { collect } from './support/clients.js';

// The scale layout (scripts/scale): two processes of the gateway and of every subgraph, one
// PostgreSQL, one Redis, HAProxy in front. Needs haproxy (Debian's package) and a Redis at
// REDIS_URL (or 127.0.0.1:6379); CI has both.

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

const missing = [!haproxyAvailable() && 'haproxy is not installed (apt-get install haproxy)', !(await redisAnswers(redisUrl)) && `no Redis answers at ${redisUrl}`].filter(Boolean);
const describeLayout = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) console.log(`replicas test not run: ${missing.join('; ')}`);

const MESSAGE_ADDED = `subscription($roomId: ID!, $after: Int!) { messageAdded(roomId: $roomId, afterSequence: $after) { sequence content } }`;
const pick = (data: Record<string, unknown>) => data.messageAdded as { sequence: number; content: string };
const REGISTER = `mutation($sessionId: ID!) { registerForSession(sessionId: $sessionId) { id status } }`;

interface User {
  id: string;
  accessToken: string;
}

type Body = { data?: Record<string, any>; errors?: { message: string; extensions?: { code?: string } }[] };

describeLayout('several replicas behind HAProxy', () => {
  let database: TestDatabase;
  let layout: ScaleLayout;
  const clients: Client[] = [];

  const send = async (url: string, query: string, variables: Record<string, unknown>, user?: User): Promise<{ status: number; body: Body }> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(user ? { authorization: `Bearer ${user.accessToken}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const signUp = async (name: string): Promise<User> => {
    const { body } = await send(layout.url, `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }`, {
      input: { email: `${name.toLowerCase()}.${randomUUID()}@example.test`, password: 'a long enough passphrase 1', firstName: name, lastName: 'Tester' },
    });
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { id: body.data!.signUp.user.id, accessToken: body.data!.signUp.accessToken };
  };
  /** A token for a user who exists only as an id (scheduling needs no more to register them). */
  const tokenFor = async (userId: string): Promise<User> => ({
    id: userId,
    accessToken: await mintTestAccessToken({ userId, roles: ['LEARNER'], privateKey: createPrivateKey(layout.signingKey.pem), keyId: layout.signingKey.kid }),
  });
  const wsClient = (url: string, user: User) => {
    const client = createClient({ url: url.replace('http://', 'ws://'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${user.accessToken}` }, retryAttempts: 0, lazy: true });
    clients.push(client);
    return client;
  };
  const sendMessage = async (url: string, sender: User, roomId: string, content: string) => {
    const { body } = await send(url, 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { sequence } }', { r: roomId, c: content }, sender);
    expect(body.errors).toBeUndefined();
  };
  const createRoom = async (owner: User, members: User[]) => {
    const { body } = await send(layout.url, 'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }', { input: { name: 'Replicas', kind: 'GROUP', memberIds: members.map((m) => m.id) } }, owner);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!.createChatRoom.id as string;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const gatewaySecret = randomBytes(32).toString('base64url');
    const names = ['identity', 'learning', 'scheduling', 'commerce', 'community', 'ai-analytics'];
    layout = await startScaleLayout({
      databaseUrls: Object.fromEntries(names.map((name) => [name, database.urlFor(`academy_${name.replace('-', '_')}`)])),
      gatewaySecret,
      redisUrl,
      // 200 registrations at once queue on one row lock: on a busy machine the last ones wait
      // longer than the default 10 s the gateway gives a subgraph.
      env: { LOG_LEVEL: 'warn', PLAYGROUND: 'false', THROTTLE_SIGN_UP_PER_ADDRESS: '1000', SUBGRAPH_TIMEOUT_MS: '60000' },
      output: (service, chunk) => {
        if (process.env.SCALE_OUTPUT) appendFileSync(process.env.SCALE_OUTPUT, chunk.replace(/^(?=.)/gm, `${service}: `));
        if (/"level":"(error|warn)"/.test(chunk) || (service === "haproxy" && /ALERT/.test(chunk))) process.stderr.write(`${service}: ${chunk}`);
      },
    });
  }, 600_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await layout?.stop();
    await database?.drop();
  }, 60_000);

  it('delivers a message sent through one gateway to subscribers connected to the other', async () => {
    const [owner, ...others] = await Promise.all(['Ann', 'Ben', 'Cat', 'Dan'].map(signUp));
    const members = [owner!, ...others];
    const roomId = await createRoom(owner!, others);
    const [first, second] = layout.gateways.map((gateway) => gateway.url) as [string, string];
    const subscribers = members.map((member, i) => collect(wsClient(i % 2 ? second : first, member), MESSAGE_ADDED, { roomId, after: 0 }, pick));
    for (let i = 0; i < 20; i++) await sendMessage(i % 2 ? first : second, members[i % members.length]!, roomId, `m${i}`);
    for (const subscriber of subscribers) {
      const events = await subscriber.waitFor(20);
      expect(events.map((e) => e.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
      expect(subscriber.errors).toEqual([]);
      subscriber.stop();
    }
  }, 120_000);

  it('resumes a subscription through the proxy after its gateway is killed, missing nothing', async () => {
    const [owner, reader] = await Promise.all([signUp('Eve'), signUp('Fay')]);
    const roomId = await createRoom(owner!, [reader!]);
    const killed = layout.gateways[0]!;
    const before = collect(wsClient(killed.url, reader!), MESSAGE_ADDED, { roomId, after: 0 }, pick);
    for (let i = 1; i <= 10; i++) await sendMessage(layout.url, owner!, roomId, `m${i}`);
    const seen = await before.waitFor(10);

    killed.child.kill('SIGKILL');
    await before.ended();
    // Sent while the reader is away: through HAProxy, which now sends everything to the other gateway.
    for (let i = 11; i <= 20; i++) await sendMessage(layout.url, owner!, roomId, `m${i}`);
    const after = collect(wsClient(layout.url, reader!), MESSAGE_ADDED, { roomId, after: seen.at(-1)!.sequence }, pick);
    await after.waitFor(10);
    await sendMessage(layout.url, owner!, roomId, 'live');
    const resumed = await after.waitFor(11);
    expect([...seen, ...resumed].map((e) => e.content)).toEqual([...Array.from({ length: 20 }, (_, i) => `m${i + 1}`), 'live']);
    after.stop();
    await layout.restart(killed, 'SIGKILL');
  }, 120_000);

  it('never oversells: 200 users over both gateways for 20 seats get exactly 20 registrations', async () => {
    const admin = database.adminUrl;
    const courseId = randomUUID();
    const [trainer] = await queryRows<{ id: string }>(admin, 'INSERT INTO scheduling.trainers (user_id) VALUES ($1) RETURNING id', [randomUUID()]);
    await queryRows(admin, 'INSERT INTO scheduling.course_prices (course_id, amount_minor, currency, set_at) VALUES ($1, NULL, NULL, now())', [courseId]);
    const users = await Promise.all(Array.from({ length: 200 }, () => tokenFor(randomUUID())));
    for (let round = 0; round < 2; round++) {
      const startsAt = new Date(Date.now() + (7 * 24 + round) * 3_600_000);
      const [session] = await queryRows<{ id: string }>(
        admin,
        `INSERT INTO scheduling.training_sessions (course_id, trainer_id, starts_at, ends_at, status, capacity)
         VALUES ($1, $2, $3, $4, 'SCHEDULED', 20) RETURNING id`,
        [courseId, trainer!.id, startsAt, new Date(startsAt.getTime() + 3_600_000)],
      );
      const register = (user: User, i: number) => send(layout.gateways[i % 2]!.url, REGISTER, { sessionId: session!.id }, user);
      const outcomeOf = ({ body }: { body: Body }) => body.errors?.[0]?.extensions?.code ?? body.data!.registerForSession.status;
      const outcomes = (await Promise.all(users.map(register))).map(outcomeOf);
      // An overloaded machine may answer SERVICE_UNAVAILABLE (the client is told to try again):
      // tried again, as a client would, such a request finds the session full or itself
      // registered (had it committed before its answer was lost), never a seat of its own.
      const retried = await Promise.all(outcomes.map((outcome, i) => (outcome === 'SERVICE_UNAVAILABLE' ? register(users[i]!, i).then(outcomeOf) : null)));
      const tally: Record<string, number> = {};
      for (const outcome of outcomes) tally[outcome] = (tally[outcome] ?? 0) + 1;
      const { SERVICE_UNAVAILABLE: unavailable = 0, ...answered } = tally;
      expect(retried.filter((outcome) => outcome !== null && outcome !== 'CONFLICT')).toEqual([]);
      const registered = await queryRows<{ user_id: string }>(
        admin,
        `SELECT user_id FROM scheduling.registrations WHERE session_id = $1 AND status IN ('CONFIRMED', 'PENDING_PAYMENT')`,
        [session!.id],
      );
      expect(registered).toHaveLength(20);
      const confirmed = users.filter((_, i) => outcomes[i] === 'CONFIRMED').map((user) => user.id);
      expect(registered.map((row) => row.user_id)).toEqual(expect.arrayContaining(confirmed));
      // Every answer but the retried ones: a seat, or CONFLICT.
      expect(answered).toEqual({ CONFIRMED: confirmed.length, CONFLICT: 200 - confirmed.length - unavailable });
      expect(confirmed.length + unavailable).toBeGreaterThanOrEqual(20);
      const [taken] = await queryRows<{ seats_taken: number }>(admin, 'SELECT seats_taken FROM scheduling.training_sessions WHERE id = $1', [session!.id]);
      expect(taken!.seats_taken).toBe(20);
    }
  }, 240_000);

  it('restarts every process, one after the other, under continuous load without a failed request', async () => {
    const user = await signUp('Gus');
    // One operation that visits every subgraph.
    const QUERY = `{ me { id } courses(first: 1) { totalCount } venues { id } order(id: "${randomUUID()}") { id } notificationPreferences { __typename } aiConversations { id } }`;
    const probe = await send(layout.url, QUERY, {}, user);
    expect(probe.body.errors).toBeUndefined();

    const failures: string[] = [];
    let answered = 0;
    let loading = true;
    const worker = async () => {
      while (loading) {
        try {
          const { status, body } = await send(layout.url, QUERY, {}, user);
          if (status !== 200 || body.errors) failures.push(`${status} ${JSON.stringify(body.errors ?? body)}`);
          else answered += 1;
        } catch (error) {
          failures.push(String((error as Error).cause ?? error));
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    for (const replicas of [...Object.values(layout.subgraphs), layout.gateways]) {
      for (const replica of replicas) await layout.restart(replica, 'SIGTERM');
    }
    loading = false;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(0);
  }, 600_000);
});
