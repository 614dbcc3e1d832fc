// A subgraph with a Unix-domain socket (SOCKET_PATH) serves there exactly what it serves on its
// port: the same routes, the same caller check, fetch batches; a socket file left by a process
// that ended is replaced, one a live process answers on is refused, and stopping removes it.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALLER_HEADER, signCallerToken } from '../src/caller-token.js';
import { FETCH_BATCH_PATH } from '../src/fetch-batch.js';
import { createLogger } from '../src/logger.js';
import { probeSubgraph } from '../src/testing/probe-subgraph.js';

const folder = mkdtempSync(join(tmpdir(), 'academy-socket-'));
const gatewaySecret = randomBytes(32).toString('base64url');
const silent = createLogger('silent', { service: 'probe' });

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** One HTTP exchange over the Unix-domain socket at `socketPath`. */
function overSocket(socketPath: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const caller = (requestId: string) => signCallerToken({ viewer: null, clientAddress: '127.0.0.1', requestId }, gatewaySecret, 'probe');

describe('a subgraph with a Unix-domain socket', () => {
  it('answers there as on its port: health, a signed fetch, a refused one, a batch; stopping removes the socket', async () => {
    const socketPath = join(folder, 'probe.sock');
    const { subgraph } = probeSubgraph({ gatewaySecret, logger: silent, socketPath });
    const running = await subgraph.start(0, '127.0.0.1');
    try {
      expect(existsSync(socketPath)).toBe(true);
      expect(await overSocket(socketPath, '/healthz')).toEqual({ status: 200, body: { status: 'up' } });

      const query = { query: 'query($n: String!) { hello(name: $n) }', variables: { n: 'socket' } };
      const viaSocket = await overSocket(socketPath, '/graphql', query, { [CALLER_HEADER]: await caller('r-1') });
      const viaPort = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json', [CALLER_HEADER]: await caller('r-2') }, body: JSON.stringify(query) });
      expect(viaSocket).toEqual({ status: 200, body: { data: { hello: 'hello socket' } } });
      expect(viaSocket.body).toEqual(await viaPort.json());

      // No caller token: refused there as on the port.
      const refused = await overSocket(socketPath, '/graphql', query);
      expect(refused.status).toBe(401);

      const batch = await overSocket(socketPath, FETCH_BATCH_PATH, {
        fetches: [
          { headers: { [CALLER_HEADER]: await caller('r-3') }, body: { query: '{ who }' } },
          { headers: { [CALLER_HEADER]: await caller('r-4') }, body: { query: '{ who }' } },
        ],
      });
      expect(batch).toEqual({ status: 200, body: { answers: [{ status: 200, body: { data: { who: 'r-3' } } }, { status: 200, body: { data: { who: 'r-4' } } }] } });
    } finally {
      await running.stop();
    }
    expect(existsSync(socketPath)).toBe(false);
  });

  it('replaces a socket file nothing answers on, and refuses a path a live process listens on', async () => {
    const socketPath = join(folder, 'stale.sock');
    // A socket file left behind by a process killed while it listened.
    spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(existsSync(socketPath)).toBe(true);

    const { subgraph } = probeSubgraph({ gatewaySecret, logger: silent, socketPath });
    const running = await subgraph.start(0, '127.0.0.1');
    expect((await overSocket(socketPath, '/healthz')).status).toBe(200);

    // The path is taken by a running subgraph: a second one does not start, and leaves its port closed.
    const { subgraph: second } = probeSubgraph({ gatewaySecret, logger: silent, socketPath });
    await expect(second.start(0, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(second.httpServer.listening).toBe(false);
    // The first still answers there.
    expect((await overSocket(socketPath, '/healthz')).status).toBe(200);
    await running.stop();
    expect(existsSync(socketPath)).toBe(false);
  });
});
