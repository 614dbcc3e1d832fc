// The gateway's fetches to a subgraph with a Unix-domain socket (<NAME>_SOCKET) go to that
// socket: the URL still names the path, its host and port are not used. Fetches alone and fetch
// batches alike; other subgraphs stay on TCP; the configuration takes absolute paths only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, type RunningServer } from '@academy/service-kit';
import { probeSubgraph } from '@academy/service-kit/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig, subgraphSockets } from '../src/config.js';
import { createSubgraphFetcher } from '../src/subgraph-client.js';
import { probeFetchInit, type Fetch } from './support/probe-fetches.js';

const SECRET = randomBytes(32).toString('base64url');
const folder = mkdtempSync(join(tmpdir(), 'academy-gateway-socket-'));
const socketPath = join(folder, 'probe.sock');
const { subgraph } = probeSubgraph({ gatewaySecret: SECRET, logger: createLogger('silent'), socketPath });
let running: RunningServer;
/** Paths of the requests the subgraph received, and whether each came over the socket. */
let seen: { path: string; overSocket: boolean }[] = [];
const client = createSubgraphFetcher({ connections: 4, timeoutMs: 5000, batching: true, sockets: { 'http://probe.invalid:1': socketPath } });

beforeAll(async () => {
  subgraph.httpServer.on('request', (req) => seen.push({ path: req.url ?? '', overSocket: req.socket.remoteAddress === undefined }));
  running = await subgraph.start(0, '127.0.0.1');
});

afterAll(async () => {
  await client.close();
  await running?.stop();
  rmSync(folder, { recursive: true, force: true });
});

const fetchInit = (requestId: string, body: unknown) => probeFetchInit(SECRET, requestId, body);

describe('a subgraph reached through its Unix-domain socket', () => {
  it('gets a fetch alone there, though its URL names a host that does not resolve', async () => {
    seen = [];
    const answer = await (client.subgraphFetcher as unknown as Fetch)('http://probe.invalid:1/graphql', await fetchInit('one', { query: '{ who }' }));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ data: { who: 'one' } });
    expect(seen).toEqual([{ path: '/graphql', overSocket: true }]);
  });

  it('gets the fetches of one turn as one batch there', async () => {
    seen = [];
    const fetch = client.subgraphFetcher as unknown as Fetch;
    const inits = await Promise.all(['a', 'b', 'c'].map((id) => fetchInit(id, { query: '{ who }' })));
    const answers = await Promise.all(inits.map((init) => fetch('http://probe.invalid:1/graphql', init)));
    expect(await Promise.all(answers.map((answer) => answer.json()))).toEqual(['a', 'b', 'c'].map((who) => ({ data: { who } })));
    expect(seen).toEqual([{ path: '/graphql/batch', overSocket: true }]);
  });

  it('leaves a subgraph without a socket on TCP', async () => {
    seen = [];
    const answer = await (client.fetcher as unknown as Fetch)(running.url, await fetchInit('tcp', { query: '{ who }' }));
    expect(await answer.json()).toEqual({ data: { who: 'tcp' } });
    expect(seen).toEqual([{ path: '/graphql', overSocket: false }]);
  });
});

describe('<NAME>_SOCKET', () => {
  const base = { GATEWAY_SECRET: SECRET, LEARNING_URL: 'http://127.0.0.1:4102/graphql' };

  it("maps each subgraph URL's origin to its socket", () => {
    const config = loadGatewayConfig({ ...base, LEARNING_SOCKET: '/run/academy/learning.sock', COMMERCE_SOCKET: '/run/academy/commerce.sock' });
    expect(subgraphSockets(config)).toEqual({ 'http://127.0.0.1:4102': '/run/academy/learning.sock', 'http://127.0.0.1:4004': '/run/academy/commerce.sock' });
    expect(subgraphSockets(loadGatewayConfig(base))).toEqual({});
  });

  it('refuses a relative path', () => {
    expect(() => loadGatewayConfig({ ...base, LEARNING_SOCKET: 'learning.sock' })).toThrow(/LEARNING_SOCKET.*absolute path/);
  });
});
