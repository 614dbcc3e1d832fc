import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { runPartnerChat, type PartnerMessage } from '@academy/example-partner-chat';
import { startTcpProxy } from '@academy/service-kit/testing';
import { as, collect, signUpUser, signUpWithRoles, wsClient, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let admin: SignedUpUser;
let alice: SignedUpUser;

interface Credentials {
  client: { id: string; name: string; grants: { roomIds: string[]; roomKinds: string[] }; revokedAt: string | null };
  clientSecret: string;
}

const CREATE = `mutation($input: CreatePartnerClientInput!) {
  createPartnerClient(input: $input) { client { id name grants { roomIds roomKinds maxSubscriptions } createdAt revokedAt } clientSecret }
}`;

/** POST /oauth/token on the gateway with these form fields and headers. */
async function tokenRequest(fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(new URL('/oauth/token', stack.gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const send = (user: SignedUpUser, roomId: string, content: string) =>
  as<{ sendMessage: { sequence: number } }>(stack, user, 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { sequence } }', { r: roomId, c: content });

/** Waits until `done` holds (the test's own timeout bounds it). */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function history(roomId: string): Promise<{ sequence: number; content: string }[]> {
  const data = await as<{ chatRoom: { messages: { edges: { node: { sequence: number; content: string } }[] } } }>(
    stack,
    alice,
    'query($id: ID!) { chatRoom(id: $id) { messages(last: 100) { edges { node { sequence content } } } } }',
    { id: roomId },
  );
  return data.chatRoom.messages.edges.map((e) => e.node);
}

async function tokenFor(credentials: Credentials): Promise<string> {
  const { body } = await tokenRequest({ grant_type: 'client_credentials', client_id: credentials.client.id, client_secret: credentials.clientSecret });
  return body.access_token as string;
}

async function createRoom(owner: SignedUpUser, name: string): Promise<string> {
  const data = await as<{ createChatRoom: { id: string } }>(
    stack,
    owner,
    'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }',
    { input: { name, kind: 'GROUP', memberIds: [admin.id] } },
  );
  return data.createChatRoom.id;
}

async function register(roomIds: string[]): Promise<Credentials> {
  return (await as<{ createPartnerClient: Credentials }>(stack, admin, CREATE, { input: { name: 'Partner bot', roomIds } })).createPartnerClient;
}

beforeAll(async () => {
  stack = await startStack();
  admin = await signUpWithRoles(stack, 'Admin', ['LEARNER', 'ADMIN']);
  alice = await signUpUser(stack, 'Alice');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('partner clients and POST /oauth/token', () => {
  it('registers a client for ADMIN only, shows its secret once and lists it without', async () => {
    const roomId = await createRoom(alice, 'Partner room');
    const learner = await stack.query(CREATE, { input: { name: 'x', roomIds: [roomId] } }, { authorization: `Bearer ${alice.accessToken}` });
    expect(learner.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const none = await stack.query(CREATE, { input: { name: 'x' } }, { authorization: `Bearer ${admin.accessToken}` });
    expect(none.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const created = await register([roomId]);
    expect(created.client).toMatchObject({ name: 'Partner bot', grants: { roomIds: [roomId], roomKinds: [] }, revokedAt: null });
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await as<{ partnerClients: Record<string, unknown>[] }>(stack, admin, '{ partnerClients { id name grants { roomIds } } }');
    expect(listed.partnerClients).toContainEqual({ id: created.client.id, name: 'Partner bot', grants: { roomIds: [roomId] } });
    expect(JSON.stringify(listed)).not.toContain(created.clientSecret);
  });

  it('issues a short-lived PARTNER token carrying the grants, by Basic or by form fields', async () => {
    const roomId = await createRoom(alice, 'Token room');
    const { client, clientSecret } = await register([roomId]);
    for (const request of [
      tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.id, clientSecret) }),
      tokenRequest({ grant_type: 'client_credentials', client_id: client.id, client_secret: clientSecret }),
    ]) {
      const { status, body } = await request;
      expect(status).toBe(200);
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
      const claims = decodeJwt(body.access_token as string);
      expect(claims).toMatchObject({ sub: client.id, roles: ['PARTNER'], grants: { roomIds: [roomId], roomKinds: [] } });
    }
  });

  it('answers RFC 6749 errors: invalid_client (401), invalid_request and unsupported_grant_type (400)', async () => {
    const { client, clientSecret } = await register([await createRoom(alice, 'Errors room')]);
    const wrong = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.id, `${clientSecret}x`) });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const unknown = await tokenRequest({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: clientSecret });
    expect(unknown).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const password = await tokenRequest({ grant_type: 'password', client_id: client.id, client_secret: clientSecret });
    expect(password).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    const noGrant = await tokenRequest({ client_id: client.id, client_secret: clientSecret });
    expect(noGrant).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('stops the old secret when it is rotated, and every secret when the client is revoked', async () => {
    const { client, clientSecret: first } = await register([await createRoom(alice, 'Rotation room')]);
    const rotated = await as<{ rotatePartnerClientSecret: Credentials }>(stack, admin, 'mutation($id: ID!) { rotatePartnerClientSecret(id: $id) { clientSecret } }', { id: client.id });
    const second = rotated.rotatePartnerClientSecret.clientSecret;
    expect(second).not.toBe(first);
    expect(await tokenRequest({ grant_type: 'client_credentials', client_id: client.id, client_secret: first })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect((await tokenRequest({ grant_type: 'client_credentials', client_id: client.id, client_secret: second })).status).toBe(200);

    const revoked = await as<{ revokePartnerClient: { revokedAt: string | null } }>(stack, admin, 'mutation($id: ID!) { revokePartnerClient(id: $id) { revokedAt } }', { id: client.id });
    expect(revoked.revokePartnerClient.revokedAt).not.toBeNull();
    expect(await tokenRequest({ grant_type: 'client_credentials', client_id: client.id, client_secret: second })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const again = await stack.query('mutation($id: ID!) { rotatePartnerClientSecret(id: $id) { clientSecret } }', { id: client.id }, { authorization: `Bearer ${admin.accessToken}` });
    expect(again.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('throttles token requests per client id at the gateway (429 with Retry-After), wrong secrets included', async () => {
    const { client, clientSecret } = await register([await createRoom(alice, 'Throttle room')]);
    // THROTTLE_PARTNER_TOKEN_PER_CLIENT: 20 per window by default.
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await tokenRequest({ grant_type: 'client_credentials', client_id: client.id, client_secret: 'wrong' })).status);
    expect(statuses).toEqual(Array(20).fill(401));
    const response = await fetch(new URL('/oauth/token', stack.gateway.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.id, clientSecret) },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ error: 'slow_down' });
  });
});

describe('a partner app (examples/partner-chat) through the gateway', () => {
  it('receives every message of its room once and in order across a cut socket and token renewals, and replies when mentioned', async () => {
    const roomId = await createRoom(alice, 'Partner chat');
    const credentials = await register([roomId]);
    // The app reaches the gateway through a proxy the test can cut.
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(stack.gateway.url).port) });
    const received: PartnerMessage[] = [];
    let tokens = 0;
    const controller = new AbortController();
    const running = runPartnerChat({
      gatewayUrl: proxy.through(stack.gateway.url),
      clientId: credentials.client.id,
      clientSecret: credentials.clientSecret,
      roomIds: [roomId],
      name: 'partner-bot',
      resumeAfter: { [roomId]: 0 },
      // Tokens live 600 s: renewed every 3 s here (within the token endpoint's throttle), so
      // the run crosses several renewals.
      renewBeforeSeconds: 597,
      onMessage: (message) => received.push(message),
      onToken: () => (tokens += 1),
      signal: controller.signal,
    });
    try {
      await send(alice, roomId, 'first');
      await send(alice, roomId, 'hello @partner-bot');
      await send(alice, roomId, 'third');
      // The two messages, the third and the app's reply to the mention.
      await until(() => received.length >= 4);

      await proxy.stop();
      await send(alice, roomId, 'sent while the app is cut off');
      await send(alice, roomId, 'are you there @partner-bot?');
      await proxy.start();
      await until(() => tokens >= 3);
      await send(alice, roomId, 'last');

      const expected = async () => {
        const all = await history(roomId);
        return all.length === 8 && received.length === all.length ? all : null;
      };
      await until(async () => (await expected()) !== null);
      const all = (await expected())!;
      expect(received.map(({ sequence, content }) => ({ sequence, content }))).toEqual(all);
      expect(all.map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      // One reply per mention, whatever was retried (a reply may come before a later message of alice's).
      const mentions = all.filter((m) => m.content.includes('@partner-bot')).map((m) => m.sequence);
      expect(mentions).toHaveLength(2);
      expect(all.filter((m) => m.content.startsWith('Hello! partner-bot')).map((m) => m.content)).toEqual(
        mentions.map((sequence) => `Hello! partner-bot received message #${sequence}.`),
      );
    } finally {
      controller.abort();
      await running;
      await proxy.stop();
    }
  }, 60_000);

  it('reaches only its granted rooms: any other is FORBIDDEN, with no data', async () => {
    const granted = await createRoom(alice, 'Granted');
    const other = await createRoom(alice, 'Not granted');
    await send(alice, other, 'private');
    const credentials = await register([granted]);
    const token = await tokenFor(credentials);
    const headers = { authorization: `Bearer ${token}` };

    const readable = await stack.query('query($id: ID!) { chatRoom(id: $id) { id messages { edges { node { content } } } } }', { id: granted }, headers);
    expect(readable.body).toEqual({ data: { chatRoom: { id: granted, messages: { edges: [] } } } });
    const sent = await stack.query('mutation($r: ID!) { sendMessage(roomId: $r, content: "from the partner") { sequence } }', { r: granted }, headers);
    expect(sent.body).toEqual({ data: { sendMessage: { sequence: 1 } } });

    const read = await stack.query('query($id: ID!) { chatRoom(id: $id) { id messages { edges { node { content } } } } }', { id: other }, headers);
    expect(read.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(read.body)).not.toContain('private');
    const posted = await stack.query('mutation($r: ID!) { sendMessage(roomId: $r, content: "intrusion") { sequence } }', { r: other }, headers);
    expect(posted.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await history(other)).map((m) => m.content)).toEqual(['private']);
    const created = await stack.query('mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }', { input: { name: 'x', kind: 'GROUP', memberIds: [alice.id] } }, headers);
    expect(created.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Nor is it taken for a user by other subgraphs.
    const profile = await stack.query('mutation { updateMyProfile(input: { bio: "partner" }) { id } }', {}, headers);
    expect(profile.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const partnerClient = wsClient(stack.gateway.url, { ...alice, accessToken: token });
    try {
      const refused = collect(partnerClient, 'subscription($r: ID!) { messageAdded(roomId: $r, afterSequence: 0) { content } }', { r: other }, (d) => d);
      await refused.ended();
      expect(refused.events).toEqual([]);
      expect(JSON.stringify(refused.errors)).toMatch(/FORBIDDEN/);
    } finally {
      await partnerClient.dispose();
    }
  });
});
