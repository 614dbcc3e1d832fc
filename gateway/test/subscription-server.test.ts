import { afterAll, describe, expect, it } from '@jest/globals';
import { CloseCode, ErrorCode, RequestErrorCode } from '@academy/service-kit';
import { mintTestAccessToken, recordingLogger, type LogLine } from '@academy/service-kit/testing';
import { exportJWK } from 'jose';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { buildGateway, loadGatewayConfig, type RunningGateway } from '../src/server.js';

// The gateway alone: every subgraph URL points at one HTTP server that serves identity's public
// keys and counts every other request, so a test sees that a refused socket or subscription
// never reached a subgraph.

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const KID = 'subscription-server-test';

interface TestGateway {
  wsUrl: string;
  /** Requests (and WebSocket upgrades) that reached a subgraph. */
  subgraphRequests: () => number;
  log: LogLine[];
}

const stops: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

async function startGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: KID, alg: 'EdDSA', use: 'sig' }] });
  let subgraphRequests = 0;
  const subgraphs: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      return;
    }
    subgraphRequests += 1;
    res.writeHead(503).end();
  });
  // A subscription forwarded upstream would arrive as a WebSocket upgrade.
  subgraphs.on('upgrade', (_req, socket: Duplex) => {
    subgraphRequests += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => subgraphs.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(subgraphs.address() as AddressInfo).port}/graphql`;
  const urls = Object.fromEntries(
    ['IDENTITY_URL', 'LEARNING_URL', 'SCHEDULING_URL', 'COMMERCE_URL', 'COMMUNITY_URL', 'AI_ANALYTICS_URL'].map((name) => [name, url]),
  );
  const log: LogLine[] = [];
  const config = loadGatewayConfig({ ...urls, GATEWAY_SECRET: randomBytes(32).toString('base64url'), PLAYGROUND: 'false', ...env });
  const gateway: RunningGateway = await buildGateway(config, { logger: recordingLogger(log) }).start(0, '127.0.0.1');
  stops.push(async () => {
    await gateway.stop();
    await new Promise((resolve) => subgraphs.close(resolve));
  });
  return { wsUrl: gateway.url.replace('http://', 'ws://'), subgraphRequests: () => subgraphRequests, log };
}

const accessToken = (userId: string) => mintTestAccessToken({ userId, roles: ['LEARNER'], privateKey, keyId: KID, expiresAt: '10m' });

interface Socket {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  /** The first message of `type` (with `id`, when given), as soon as it arrives. */
  next(type: string, id?: string): Promise<Record<string, unknown>>;
}

/** A raw graphql-transport-ws socket; `init` null sends no connection_init. */
async function connect(wsUrl: string, init: Record<string, unknown> | null = {}, options: WebSocket.ClientOptions = {}): Promise<Socket> {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws', options);
  const messages: Record<string, unknown>[] = [];
  let arrived = () => {};
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    arrived();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  if (init !== null) ws.send(JSON.stringify({ type: 'connection_init', payload: init }));
  const find = (type: string, id?: string) => messages.find((m) => m.type === type && (id === undefined || m.id === id));
  return {
    ws,
    messages,
    closed,
    next: async (type, id) => {
      for (;;) {
        const found = find(type, id);
        if (found) return found;
        if (ws.readyState !== WebSocket.OPEN) throw new Error(`the socket closed before a ${type} message`);
        await Promise.race([new Promise<void>((resolve) => (arrived = resolve)), closed]);
      }
    },
  };
}

/** Whatever comes first: the ack, or the close (with its code). */
const outcome = (socket: Socket) =>
  Promise.race([socket.next('connection_ack').then(() => 'ack' as const), socket.closed.then(({ code }) => code)]);

async function closeAll(sockets: Socket[]): Promise<void> {
  for (const socket of sockets) socket.ws.close();
  await Promise.all(sockets.map((socket) => socket.closed));
}

describe('WebSocket connection limits', () => {
  it('reads its limits with the documented defaults, and refuses a malformed one', () => {
    const config = loadGatewayConfig({ GATEWAY_SECRET: 'x'.repeat(40) });
    expect({
      init: config.WS_INIT_TIMEOUT_MS,
      perAddress: config.WS_MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS,
      anonymous: config.WS_MAX_ANONYMOUS_CONNECTIONS,
      idle: config.WS_ANONYMOUS_IDLE_TIMEOUT_MS,
      buffered: config.WS_MAX_BUFFERED_BYTES,
      perUser: config.WS_MAX_CONNECTIONS_PER_USER,
    }).toEqual({ init: 3_000, perAddress: 20, anonymous: 1_000, idle: 30_000, buffered: 8 * 1024 * 1024, perUser: 10 });
    expect(() => loadGatewayConfig({ GATEWAY_SECRET: 'x'.repeat(40), WS_MAX_BUFFERED_BYTES: 'lots', WS_ANONYMOUS_IDLE_TIMEOUT_MS: '-1' })).toThrow(
      /WS_MAX_BUFFERED_BYTES[\s\S]*WS_ANONYMOUS_IDLE_TIMEOUT_MS|WS_ANONYMOUS_IDLE_TIMEOUT_MS[\s\S]*WS_MAX_BUFFERED_BYTES/,
    );
  });

  it(`closes a socket that sends no connection_init within the default 3 s (${CloseCode.ConnectionInitialisationTimeout})`, async () => {
    const gateway = await startGateway();
    const silent = await connect(gateway.wsUrl, null);
    expect((await silent.closed).code).toBe(CloseCode.ConnectionInitialisationTimeout);
  });

  it(`holds 20 anonymous sockets per address by default and closes the 21st (${CloseCode.TooManyAnonymousConnectionsFromAddress}); a signed-in user still gets in; a closed one frees its place`, async () => {
    const gateway = await startGateway();
    const held = await Promise.all(Array.from({ length: 20 }, () => connect(gateway.wsUrl)));
    expect(await Promise.all(held.map(outcome))).toEqual(Array(20).fill('ack'));

    const extra = await connect(gateway.wsUrl);
    expect(await outcome(extra)).toBe(CloseCode.TooManyAnonymousConnectionsFromAddress);
    expect((await extra.closed).reason).toMatch(/access token/);

    const signedIn = await connect(gateway.wsUrl, { authorization: `Bearer ${await accessToken(randomUUID())}` });
    expect(await outcome(signedIn)).toBe('ack');

    // The held ones are still served.
    held[0]!.ws.send(JSON.stringify({ type: 'ping' }));
    await held[0]!.next('pong');

    await closeAll([held.pop()!]);
    // The gateway learns of the close a moment after the client does.
    let again = await connect(gateway.wsUrl);
    for (let attempt = 0; (await outcome(again)) !== 'ack' && attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await connect(gateway.wsUrl);
    }
    expect(await outcome(again)).toBe('ack');
    await closeAll([...held, signedIn, again]);
    expect(gateway.subgraphRequests()).toBe(0);
  });

  it(`closes anonymous sockets past the total per gateway process (${CloseCode.TooManyAnonymousConnections})`, async () => {
    const gateway = await startGateway({ WS_MAX_ANONYMOUS_CONNECTIONS: '5' });
    const held = await Promise.all(Array.from({ length: 5 }, () => connect(gateway.wsUrl)));
    expect(await Promise.all(held.map(outcome))).toEqual(Array(5).fill('ack'));
    const extra = await connect(gateway.wsUrl);
    expect(await outcome(extra)).toBe(CloseCode.TooManyAnonymousConnections);
    const signedIn = await connect(gateway.wsUrl, { authorization: `Bearer ${await accessToken(randomUUID())}` });
    expect(await outcome(signedIn)).toBe('ack');
    await closeAll([...held, signedIn]);
  });

  it(`closes an anonymous socket that runs no subscription for the idle period (${CloseCode.AnonymousIdle}), refused subscribes included; a signed-in one stays`, async () => {
    const gateway = await startGateway({ WS_ANONYMOUS_IDLE_TIMEOUT_MS: '400' });
    const signedIn = await connect(gateway.wsUrl, { authorization: `Bearer ${await accessToken(randomUUID())}` });
    await signedIn.next('connection_ack');
    const anonymous = await connect(gateway.wsUrl);
    await anonymous.next('connection_ack');
    // A subscribe that is refused at once does not count as running one.
    anonymous.ws.send(JSON.stringify({ id: 'bad', type: 'subscribe', payload: { query: 'subscription { nope }' } }));
    await anonymous.next('error', 'bad');
    expect((await anonymous.closed).code).toBe(CloseCode.AnonymousIdle);
    // A signed-in socket is bounded by its token's lifetime instead: still open a whole idle period later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(signedIn.ws.readyState).toBe(WebSocket.OPEN);
    await closeAll([signedIn]);
  });

  it(`disconnects a client that falls WS_MAX_BUFFERED_BYTES behind (${CloseCode.TooSlowToReceive})`, async () => {
    const gateway = await startGateway({ WS_MAX_BUFFERED_BYTES: String(64 * 1024) });
    const slow = await connect(gateway.wsUrl);
    await slow.next('connection_ack');
    // The client stops reading; each small subscribe is answered by a frame of about 13 KB
    // (graphql-js's hundred validation errors), about 8 MB in all: more than the
    // system's socket buffers hold.
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const query = `subscription { ${'nope '.repeat(150)}}`;
    for (let id = 0; id < 600; id++) slow.ws.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query } }));
    slow.ws.send(JSON.stringify({ type: 'ping' }));
    // Reading resumes once the gateway has given up on the client (or, failing that, after 20 s).
    const gaveUp = () => gateway.log.find((entry) => entry.message === 'disconnected a client too slow to receive');
    for (let waited = 0; !gaveUp() && waited < 20_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    socket.resume();
    // It gave up as soon as the unsent output passed the limit (by less than one more frame), and says so.
    const unsent = gaveUp()?.fields?.unsentBytes;
    expect(unsent).toBeGreaterThan(64 * 1024);
    expect(unsent).toBeLessThan(2 * 64 * 1024);
    // It reads what was sent before the limit was passed, then the close; never the pong.
    const end = await slow.next('pong').then(
      () => 'pong',
      async () => (await slow.closed).code,
    );
    expect(end).toBe(CloseCode.TooSlowToReceive);
  });
});

describe('WebSocket keep-alive', () => {
  it('pings every socket once per WS_KEEPALIVE_MS and drops one that did not answer the previous ping; those that answer stay', async () => {
    const gateway = await startGateway({ WS_KEEPALIVE_MS: '400' });
    // More sockets than the pings' slices per interval, so that every slice is used; signed in,
    // each as its own user, so that no per-address or per-user limit is met.
    const signedIn = async () => ({ authorization: `Bearer ${await accessToken(randomUUID())}` });
    const answering = await Promise.all(Array.from({ length: 25 }, async () => connect(gateway.wsUrl, await signedIn())));
    const silent = await connect(gateway.wsUrl, await signedIn(), { autoPong: false });
    expect(await Promise.all([...answering, silent].map(outcome))).toEqual(Array(26).fill('ack'));
    const pings = answering.map(() => 0);
    answering.forEach((socket, i) => socket.ws.on('ping', () => (pings[i]! += 1)));

    // Dropped without a close handshake (terminated), on its second ping.
    expect((await silent.closed).code).toBe(1006);
    // Meanwhile every answering socket has been pinged, and each is still open two pings on.
    while (pings.some((count) => count < 2)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answering.map((socket) => socket.ws.readyState)).toEqual(Array(25).fill(WebSocket.OPEN));
    await closeAll(answering);
  });
});

describe('WebSocket client mistakes', () => {
  it('answers each with an error frame carrying its code and saying what is wrong, calls no subgraph, logs nothing above info and keeps the socket', async () => {
    const gateway = await startGateway();
    const socket = await connect(gateway.wsUrl);
    await socket.next('connection_ack');
    const MESSAGE_ADDED = 'subscription($r: ID!, $after: Int) { messageAdded(roomId: $r, afterSequence: $after) { sequence } }';
    const mistakes: { payload: Record<string, unknown>; code: string; message: RegExp }[] = [
      { payload: { query: 'subscription {' }, code: RequestErrorCode.GRAPHQL_PARSE_FAILED, message: /^Syntax Error/ },
      { payload: { query: 'subscription { nope }' }, code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED, message: /Cannot query field "nope" on type "Subscription"/ },
      { payload: { query: 'subscription { messageAdded(roomId: 1) { nope } }' }, code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED, message: /Cannot query field "nope"/ },
      { payload: { query: MESSAGE_ADDED }, code: ErrorCode.BAD_USER_INPUT, message: /\$r.*was not provided/ },
      { payload: { query: MESSAGE_ADDED, variables: { r: '1', after: 'seven' } }, code: ErrorCode.BAD_USER_INPUT, message: /\$after.*Int cannot represent/ },
      { payload: { query: MESSAGE_ADDED, variables: { r: '1', after: 2 ** 40 } }, code: ErrorCode.BAD_USER_INPUT, message: /\$after.*32-bit/ },
      { payload: { query: 'subscription A { notificationAdded { id } } subscription B { notificationAdded { id } }' }, code: ErrorCode.BAD_USER_INPUT, message: /several operations.*operationName/ },
      { payload: { query: 'subscription A { notificationAdded { id } }', operationName: 'C' }, code: ErrorCode.BAD_USER_INPUT, message: /no operation named "C"/ },
      { payload: { query: 'subscription { messageAdded(roomId: 1) @skip(if: true) { sequence } }' }, code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED, message: /@skip or @include/ },
      { payload: { query: 'subscription($v: Boolean!) { messageAdded(roomId: 1) @include(if: $v) { sequence } }', variables: { v: true } }, code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED, message: /"\$v"/ },
      { payload: { query: MESSAGE_ADDED, variables: { r: 'a\u0000b' } }, code: ErrorCode.BAD_USER_INPUT, message: /Variable "\$r" contains a NUL character/ },
      { payload: { query: 'subscription { messageAdded(roomId: "a\\u0000b") { sequence } }' }, code: ErrorCode.BAD_USER_INPUT, message: /contains a NUL character/ },
      { payload: { query: '{ courses { totalCount } }' }, code: ErrorCode.BAD_USER_INPUT, message: /over HTTP/ },
      { payload: { query: 'mutation { logOut(refreshToken: "x") }' }, code: ErrorCode.BAD_USER_INPUT, message: /over HTTP/ },
    ];
    for (const [index, mistake] of mistakes.entries()) {
      const id = `m${index}`;
      socket.ws.send(JSON.stringify({ id, type: 'subscribe', payload: mistake.payload }));
      const refused = (await socket.next('error', id)) as { payload: { message: string; extensions: { code: string } }[] };
      expect({ id, code: refused.payload[0]?.extensions.code }).toEqual({ id, code: mistake.code });
      expect(refused.payload[0]?.message).toMatch(mistake.message);
    }
    socket.ws.send(JSON.stringify({ type: 'ping' }));
    await socket.next('pong');
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    expect(gateway.subgraphRequests()).toBe(0);
    expect(gateway.log.filter((entry) => entry.level === 'warn' || entry.level === 'error')).toEqual([]);
    await closeAll([socket]);
  });
});
