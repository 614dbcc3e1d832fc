import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrivateKey } from 'node:crypto';
import { decodeJwt } from 'jose';
import { mintTestAccessToken } from '@academy/service-kit/testing';
import { as, signUpUser, type SignedUpUser } from './support/clients.js';
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
  const user = await signUpUser(stack, 'Admin');
  const accessToken = await mintTestAccessToken({
    userId: user.id,
    roles: ['LEARNER', 'ADMIN'],
    privateKey: createPrivateKey(stack.signingKey.pem),
    keyId: stack.signingKey.kid,
  });
  admin = { ...user, accessToken };
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
});
