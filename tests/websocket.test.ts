import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrivateKey, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { CloseCode, ErrorCode, RequestErrorCode } from '@academy/service-kit';
import { mintTestAccessToken } from '@academy/service-kit/testing';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let wsUrl: string;

beforeAll(async () => {
  stack = await startStack({ gateway: { WS_MAX_CONNECTIONS_PER_USER: '2', WS_INIT_TIMEOUT_MS: '2000', WS_MAX_MESSAGE_BYTES: '4096' } });
  wsUrl = stack.gateway.url.replace('http://', 'ws://');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** An access token as identity signs them, for `userId`, expiring in `seconds`. */
function accessToken(userId: string, seconds = 600): Promise<string> {
  return mintTestAccessToken({
    userId,
    roles: ['LEARNER'],
    privateKey: createPrivateKey(stack.signingKey.pem),
    keyId: stack.signingKey.kid,
    expiresAt: Math.floor(Date.now() / 1000) + seconds,
  });
}

interface Socket {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  /** The first message of `type` (with `id`, if given); rejects if the socket closes first. */
  next(type: string, id?: string): Promise<Record<string, unknown>>;
}

/** A raw graphql-transport-ws socket, to see exactly what the gateway sends and how it closes. */
async function connect(init?: Record<string, unknown> | null): Promise<Socket> {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
  const messages: Record<string, unknown>[] = [];
  const waiters: { matches: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    messages.push(message);
    for (const waiter of waiters.filter((w) => w.matches(message))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`the socket closed (${code} ${String(reason)}) before the message awaited`));
      resolve({ code, reason: String(reason) });
    }),
  );
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  if (init !== null) ws.send(JSON.stringify({ type: 'connection_init', payload: init ?? {} }));
  return {
    ws,
    messages,
    closed,
    next: (type, id) => {
      const matches = (m: Record<string, unknown>) => m.type === type && (id === undefined || m.id === id);
      const seen = messages.find(matches);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => waiters.push({ matches, resolve, reject }));
    },
  };
}

describe('the gateway WebSocket', () => {
  it('accepts a client with a valid access token, and an anonymous one', async () => {
    const signedIn = await connect({ authorization: `Bearer ${await accessToken(randomUUID())}` });
    expect((await signedIn.next('connection_ack')).type).toBe('connection_ack');
    const anonymous = await connect({});
    expect((await anonymous.next('connection_ack')).type).toBe('connection_ack');
    signedIn.ws.close();
    anonymous.ws.close();
    await Promise.all([signedIn.closed, anonymous.closed]);
  });

  it(`closes with ${CloseCode.Unauthorized} for an invalid access token`, async () => {
    for (const authorization of ['Bearer nonsense', 'Token abc', `Bearer ${(await accessToken(randomUUID())).slice(0, -4)}AAAA`]) {
      const socket = await connect({ authorization });
      expect((await socket.closed).code).toBe(CloseCode.Unauthorized);
    }
  });

  it(`closes with ${CloseCode.AccessTokenExpired} when the access token expires while connected`, async () => {
    // Valid for long enough to connect on a busy machine (2 s was not always), then it expires.
    const socket = await connect({ authorization: `Bearer ${await accessToken(randomUUID(), 5)}` });
    await socket.next('connection_ack');
    const { code } = await socket.closed;
    expect(code).toBe(CloseCode.AccessTokenExpired);
  });

  it(`closes with ${CloseCode.TooManyConnections} past the connections allowed per user, and lets a new one in after one closes`, async () => {
    const user = randomUUID();
    const token = await accessToken(user);
    const first = await connect({ authorization: `Bearer ${token}` });
    const second = await connect({ authorization: `Bearer ${token}` });
    await Promise.all([first.next('connection_ack'), second.next('connection_ack')]);
    const third = await connect({ authorization: `Bearer ${token}` });
    expect((await third.closed).code).toBe(CloseCode.TooManyConnections);
    first.ws.close();
    await first.closed;
    // The gateway frees the place when it sees the close, which may come a moment after the
    // client's: try again until it has (a CloseCode.TooManyConnections meanwhile), for at most a few seconds.
    let again = await connect({ authorization: `Bearer ${token}` });
    for (let attempt = 0; !(await Promise.race([again.next('connection_ack').then(() => true, () => false), again.closed.then(() => false)])); attempt++) {
      expect((await again.closed).code).toBe(CloseCode.TooManyConnections);
      expect(attempt).toBeLessThan(50);
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await connect({ authorization: `Bearer ${token}` });
    }
    again.ws.close();
    second.ws.close();
    await Promise.all([again.closed, second.closed]);
  });

  it(`closes with ${CloseCode.ConnectionInitialisationTimeout} when connection_init does not come in time`, async () => {
    const socket = await connect(null);
    expect((await socket.closed).code).toBe(CloseCode.ConnectionInitialisationTimeout);
  });

  it(`closes with ${CloseCode.MessageTooBig} for a message larger than allowed`, async () => {
    const socket = await connect({});
    await socket.next('connection_ack');
    socket.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { x } # ${'x'.repeat(5000)}` } }));
    expect((await socket.closed).code).toBe(CloseCode.MessageTooBig);
  });

  it('refuses queries, invalid documents and unknown fields with errors, keeping the socket open', async () => {
    const socket = await connect({});
    await socket.next('connection_ack');
    socket.ws.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: '{ courses { totalCount } }' } }));
    const refused = await socket.next('error');
    expect(refused).toMatchObject({ id: 'q', payload: [{ extensions: { code: ErrorCode.BAD_USER_INPUT } }] });
    socket.ws.send(JSON.stringify({ id: 'v', type: 'subscribe', payload: { query: 'subscription { courses { totalCount } }' } }));
    await socket.next('error', 'v');
    expect(socket.messages.filter((m) => m.type === 'error').map((m) => m.id)).toEqual(['q', 'v']);
    expect(socket.messages.find((m) => m.id === 'v')).toMatchObject({
      payload: [{ message: 'Cannot query field "courses" on type "Subscription".', extensions: { code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED } }],
    });
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close();
    await socket.closed;
  });

  it(`follows the protocol: pong for ping, ${CloseCode.Unauthorized} before the ack, ${CloseCode.SubscriberAlreadyExists} for a reused id, ${CloseCode.TooManyInitialisationRequests} for a second init, ${CloseCode.BadRequest} for garbage`, async () => {
    const early = await connect(null);
    early.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { notificationAdded { id } }' } }));
    expect((await early.closed).code).toBe(CloseCode.Unauthorized);

    const socket = await connect({});
    await socket.next('connection_ack');
    socket.ws.send(JSON.stringify({ type: 'ping' }));
    expect((await socket.next('pong')).type).toBe('pong');
    socket.ws.send(JSON.stringify({ type: 'connection_init' }));
    expect((await socket.closed).code).toBe(CloseCode.TooManyInitialisationRequests);

    const garbage = await connect({});
    await garbage.next('connection_ack');
    garbage.ws.send('{not json');
    expect((await garbage.closed).code).toBe(CloseCode.BadRequest);

    const reuse = await connect({ authorization: `Bearer ${await accessToken(randomUUID())}` });
    await reuse.next('connection_ack');
    const subscribe = JSON.stringify({ id: 'same', type: 'subscribe', payload: { query: 'subscription { notificationAdded { id } }' } });
    reuse.ws.send(subscribe);
    reuse.ws.send(subscribe);
    expect((await reuse.closed).code).toBe(CloseCode.SubscriberAlreadyExists);
  });

  it(`closes with ${CloseCode.SubprotocolNotAcceptable} a client that does not speak graphql-transport-ws`, async () => {
    const ws = new WebSocket(wsUrl, 'graphql-ws');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    expect(await closed).toBe(CloseCode.SubprotocolNotAcceptable);
  });
});
