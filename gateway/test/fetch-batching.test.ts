// The gateway's side of fetch batches: fetches to one subgraph made in the same turn of the
// event loop travel as one request and each gets the answer it would have got alone; a fetch
// alone goes out as before; what the subgraph did not run is sent again alone; a subgraph
// without batches gets single fetches; a batch lost on the way or failed (5xx) fails its
// fetches, none sent twice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, FETCH_BATCH_MAX_FETCHES, type RunningServer } from '@academy/service-kit';
import { probeSubgraph } from '@academy/service-kit/testing';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubgraphFetcher } from '../src/subgraph-client.js';
import { probeFetchInit, type Fetch } from './support/probe-fetches.js';

const SECRET = randomBytes(32).toString('base64url');
const { subgraph, runs } = probeSubgraph({ gatewaySecret: SECRET, logger: createLogger('silent') });
let running: RunningServer;
/** Paths of the HTTP requests the subgraph received. */
let paths: string[] = [];
const clients: { close(): Promise<void> }[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  subgraph.httpServer.on('request', (req) => paths.push(req.url ?? ''));
  running = await subgraph.start(0, '127.0.0.1');
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await running?.stop();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

function fetchers(batching: boolean) {
  const client = createSubgraphFetcher({ connections: 8, timeoutMs: 5000, batching });
  clients.push(client);
  return { batched: client.subgraphFetcher as unknown as Fetch, plain: client.fetcher as unknown as Fetch };
}

/** A data source's fetch for request `requestId` (see probeFetchInit). */
const fetchInit = (requestId: string, body: unknown) => probeFetchInit(SECRET, requestId, body);

/** A stand-in for a subgraph, answering with `handle`: its /graphql URL and the paths it was asked. */
async function standIn(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    handle(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen };
}

describe('fetch batching', () => {
  it('sends the fetches of one turn as one request, each answered as alone', async () => {
    const { batched, plain } = fetchers(true);
    const inits = await Promise.all(Array.from({ length: 10 }, (_x, i) => fetchInit(`turn-${i}`, i % 2 ? { query: '{ who }' } : { query: 'query H($n: String!) { hello(name: $n) }', variables: { n: `n${i}` } })));
    const alone = await Promise.all(inits.map(async (init) => (await plain(running.url, init)).json()));
    paths = [];
    const answers = await Promise.all(inits.map((init) => batched(running.url, init)));
    expect(paths).toEqual(['/graphql/batch']);
    for (const [index, answer] of answers.entries()) {
      expect(answer.status).toBe(200);
      expect(answer.ok).toBe(true);
      expect(answer.headers.get('Content-Type')).toMatch(/^application\/json/);
      expect(await answer.json()).toEqual(alone[index]);
      expect(JSON.parse(await answer.text())).toEqual(alone[index]);
    }
    expect(alone[1]).toEqual({ data: { who: 'turn-1' } });
  });

  it('sends a fetch alone in its turn as before', async () => {
    const { batched } = fetchers(true);
    paths = [];
    const answer = await batched(running.url, await fetchInit('alone', { query: '{ who }' }));
    expect(await answer.json()).toEqual({ data: { who: 'alone' } });
    expect(paths).toEqual(['/graphql']);
  });

  it(`splits a turn's fetches into batches of at most ${FETCH_BATCH_MAX_FETCHES}`, async () => {
    const { batched } = fetchers(true);
    const inits = await Promise.all(Array.from({ length: FETCH_BATCH_MAX_FETCHES + 6 }, (_x, i) => fetchInit(`many-${i}`, { query: '{ who }' })));
    paths = [];
    const answers = await Promise.all(inits.map((init) => batched(running.url, init)));
    expect(paths).toEqual(['/graphql/batch', '/graphql/batch']);
    expect(await Promise.all(answers.map((answer) => answer.json()))).toEqual(inits.map((_init, i) => ({ data: { who: `many-${i}` } })));
  });

  it('sends what the subgraph did not run again alone, and runs every mutation once', async () => {
    const { batched, plain } = fetchers(true);
    const broken = await fetchInit('broken', { query: '{ who(' });
    const aloneAnswer = await plain(running.url, broken);
    const bump = await fetchInit('bump', { query: 'mutation { bump }' });
    const who = await fetchInit('other', { query: '{ who }' });
    const before = runs.bumps;
    paths = [];
    const [retried, bumped, other] = await Promise.all([batched(running.url, broken), batched(running.url, bump), batched(running.url, who)]);
    expect(paths.sort()).toEqual(['/graphql', '/graphql/batch']);
    expect(retried.status).toBe(aloneAnswer.status);
    expect(retried.status).toBe(400);
    expect(await retried.json()).toEqual(await aloneAnswer.json());
    expect(await bumped.json()).toEqual({ data: { bump: before + 1 } });
    expect(await other.json()).toEqual({ data: { who: 'other' } });
    expect(runs.bumps).toBe(before + 1);
  });

  it('gives a subgraph without batches single fetches, from then on without asking', async () => {
    const { url, seen } = await standIn((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url !== '/graphql') {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
          return;
        }
        const { variables } = JSON.parse(body) as { variables: { n: number } };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { n: variables.n } }));
      });
    });
    const { batched } = fetchers(true);
    const inits = await Promise.all(Array.from({ length: 3 }, (_x, n) => fetchInit(`old-${n}`, { query: '{ n }', variables: { n } })));
    const round = async () => Promise.all(inits.map(async (init) => (await batched(url, init)).json()));
    const expected = [0, 1, 2].map((n) => ({ data: { n } }));
    expect(await round()).toEqual(expected);
    expect(seen).toEqual(['/graphql/batch', '/graphql', '/graphql', '/graphql']);
    seen.length = 0;
    expect(await round()).toEqual(expected);
    expect(seen).toEqual(['/graphql', '/graphql', '/graphql']);
  });

  it('fails every fetch of a batch lost on the way, and sends none of them again', async () => {
    const { url, seen } = await standIn((req) => req.socket.destroy());
    const { batched } = fetchers(true);
    const inits = await Promise.all(Array.from({ length: 4 }, (_x, n) => fetchInit(`lost-${n}`, { query: 'mutation { bump }' })));
    const outcomes = await Promise.allSettled(inits.map((init) => batched(url, init)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(seen).toEqual(['/graphql/batch']);
  });

  it('fails every fetch of a batch answered 5xx (a proxy whose subgraph went away), and sends none of them again', async () => {
    const { url, seen } = await standIn((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway'));
    });
    const { batched } = fetchers(true);
    const inits = await Promise.all(Array.from({ length: 3 }, (_x, n) => fetchInit(`failed-${n}`, { query: 'mutation { bump }' })));
    const outcomes = await Promise.allSettled(inits.map((init) => batched(url, init)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(seen).toEqual(['/graphql/batch']);
  });

  it('sends everything alone when batching is off', async () => {
    const { batched } = fetchers(false);
    paths = [];
    const inits = await Promise.all(Array.from({ length: 3 }, (_x, i) => fetchInit(`off-${i}`, { query: '{ who }' })));
    await Promise.all(inits.map((init) => batched(running.url, init)));
    expect(paths).toEqual(['/graphql', '/graphql', '/graphql']);
  });
});
