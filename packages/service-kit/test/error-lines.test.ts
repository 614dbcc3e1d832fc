// The lines a failing request causes in a subgraph: the unexpected error's line carries the
// request's id (the one the gateway signed) and the same errorId the client was shown, and the
// access line of the request names the masked code. No async context carries the id: the
// request's logger does.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { CALLER_HEADER, signCallerToken } from '../src/caller-token.js';
import { createLogger } from '../src/logger.js';
import { createSubgraph, type RunningServer } from '../src/subgraph.js';

type Line = Record<string, unknown> & { msg: string; requestId?: string };

const lines: Line[] = [];
const gatewaySecret = randomBytes(32).toString('base64url');
let running: RunningServer;

beforeAll(async () => {
  const logger = createLogger('info', { service: 'probe' }, { destination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Line)) } });
  const subgraph = createSubgraph({
    name: 'probe',
    typeDefs: parse('type Query { "Fails unexpectedly." broken: Int "Answers 1." fine: Int }'),
    resolvers: {
      Query: {
        broken: () => {
          throw new Error('the disk is on fire at ada@example.com');
        },
        fine: () => 1,
      },
    },
    context: () => ({}),
    readiness: {},
    gatewaySecret,
    logger,
  });
  running = await subgraph.start(0, '127.0.0.1');
});

afterAll(async () => {
  await running?.stop();
});

async function ask(query: string, requestId: string) {
  const caller = await signCallerToken({ viewer: null, clientAddress: '127.0.0.1', requestId }, gatewaySecret, 'probe');
  const response = await fetch(`${running.url}`, { method: 'POST', headers: { 'content-type': 'application/json', [CALLER_HEADER]: caller }, body: JSON.stringify({ query }) });
  return { requestId: response.headers.get('x-request-id'), body: (await response.json()) as { errors?: { message: string; extensions: { code: string; errorId?: string } }[] } };
}

async function lineOf(requestId: string, msg: string): Promise<Line> {
  for (let i = 0; i < 200; i++) {
    const line = lines.find((candidate) => candidate.requestId === requestId && candidate.msg === msg);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no "${msg}" line for ${requestId}; lines: ${JSON.stringify(lines)}`);
}

describe('an unexpected error in a subgraph', () => {
  it('is logged with the request id and the errorId the client sees, masked for the client', async () => {
    const { requestId, body } = await ask('{ broken fine }', 'failing-1');
    expect(requestId).toBe('failing-1');
    const [error] = body.errors ?? [];
    expect(error).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const logged = await lineOf('failing-1', 'unexpected error');
    expect(logged.errorId).toBe(error!.extensions.errorId);
    expect(logged).toMatchObject({ level: 'error', path: ['broken'] });
    expect(JSON.stringify(logged)).not.toContain('ada@example.com');
    expect(await lineOf('failing-1', 'request')).toMatchObject({ status: 200, errorCodes: ['INTERNAL_SERVER_ERROR'] });
    // Exactly one line for the error: the formatter did not log it a second time.
    expect(lines.filter((line) => line.msg === 'unexpected error')).toHaveLength(1);
  });

  it('leaves no request id behind for lines of other requests', async () => {
    await ask('{ fine }', 'quiet-1');
    expect(await lineOf('quiet-1', 'request')).toMatchObject({ errorCodes: [] });
    expect(lines.filter((line) => line.requestId === 'quiet-1').map((line) => line.msg)).toEqual(['request']);
  });
});
