// Request ids and access lines across the federation: a request's id (the client's when
// well-formed) comes back in the response and is on the gateway's access line and on the lines
// of every subgraph the request visited; nothing secret or personal is on any line; and a
// process at LOG_LEVEL=silent writes nothing at all.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { CALLER_HEADER, signCallerToken, type LogDestination } from '@academy/service-kit';
import { createTestDatabase } from '@academy/service-kit/testing';
import { signUpUser, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';
import { REPO_ROOT } from './support/start-command.js';

type Line = Record<string, unknown> & { msg: string; level: string; service?: string; requestId?: string };

/** Every line each process wrote, by service name. */
const written = new Map<string, string[]>();
const destinationFor = (service: string): LogDestination => {
  const lines: string[] = [];
  written.set(service, lines);
  return { write: (chunk: string) => void lines.push(...chunk.split('\n').filter((line) => line.length > 0)) };
};
const linesOf = (service: string): Line[] => (written.get(service) ?? []).map((line) => JSON.parse(line) as Line);
const allText = () => [...written.values()].flat().join('\n');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = 'a long enough passphrase 1';
const ME_AND_ROOMS = /* GraphQL */ `query MeAndRooms { me { id firstName chatRooms { id } unreadNotificationCount } }`;

let stack: TestStack;
let ada: SignedUpUser;

/** POST /graphql on the gateway, with the response's headers. */
async function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, requestId: response.headers.get('x-request-id'), body: (await response.json()) as { errors?: { extensions?: { code?: string } }[] } };
}

/** The access line of request `requestId` in `service`'s lines (there is exactly one per HTTP request). */
function accessLines(service: string, requestId: string): Line[] {
  return linesOf(service).filter((line) => line.msg === 'request' && line.requestId === requestId);
}

/** Waits until `service` has logged the access line of `requestId` (it is written when the response ends). */
async function accessLine(service: string, requestId: string): Promise<Line> {
  for (;;) {
    const [line] = accessLines(service, requestId);
    if (line) return line;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

beforeAll(async () => {
  stack = await startStack({ logs: { level: 'info', destination: destinationFor } });
  ada = await signUpUser(stack, 'Ada');
});

afterAll(async () => {
  await stack?.stop();
});

describe('request ids', () => {
  it("keeps the client's well-formed id: in the response, the gateway's access line and each visited subgraph's lines", async () => {
    const requestId = `client:${randomUUID()}.1_a`;
    const { status, requestId: answered } = await post({ query: ME_AND_ROOMS, operationName: 'MeAndRooms' }, { authorization: `Bearer ${ada.accessToken}`, 'x-request-id': requestId });
    expect(status).toBe(200);
    expect(answered).toBe(requestId);

    const gateway = await accessLine('gateway', requestId);
    expect(gateway).toMatchObject({ service: 'gateway', level: 'info', method: 'POST', path: '/graphql', operationName: 'MeAndRooms', status: 200, errorCodes: [] });
    expect(typeof gateway.durationMs).toBe('number');
    const fetches = gateway.fetches as { count: number; subgraphs: { subgraph: string; durationMs: number }[] };
    const visited = [...new Set(fetches.subgraphs.map((fetch) => fetch.subgraph))].sort();
    expect(visited).toEqual(['community', 'identity']);
    expect(fetches.count).toBe(fetches.subgraphs.length);

    for (const subgraph of visited) {
      const line = await accessLine(subgraph, requestId);
      expect(line).toMatchObject({ service: subgraph, method: 'POST', path: '/graphql', status: 200 });
      // One access line per fetch served.
      expect(accessLines(subgraph, requestId)).toHaveLength(fetches.subgraphs.filter((fetch) => fetch.subgraph === subgraph).length);
    }
    // A subgraph it did not visit logged nothing of it.
    expect(linesOf('learning').some((line) => line.requestId === requestId)).toBe(false);
  });

  it('writes an access line in each subgraph a gateway in the same process runs an operation in', async () => {
    const inProcess = await stack.startInProcessGateway();
    const requestId = `in-process-${randomUUID()}`;
    const response = await fetch(inProcess.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ada.accessToken}`, 'x-request-id': requestId },
      body: JSON.stringify({ query: ME_AND_ROOMS, operationName: 'MeAndRooms' }),
    });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    for (const subgraph of ['identity', 'community']) {
      expect(await accessLine(subgraph, requestId)).toMatchObject({
        level: 'info',
        path: 'in-process',
        operationName: expect.stringMatching(new RegExp(`^MeAndRooms__${subgraph}__\\d+$`)),
        errorCodes: [],
        durationMs: expect.any(Number),
      });
    }
  });

  it('replaces a malformed id with a new one', async () => {
    for (const malformed of ['has spaces', 'x'.repeat(129), 'semi;colon', '']) {
      const { requestId } = await post({ query: '{ __typename }' }, { 'x-request-id': malformed });
      expect(requestId).toMatch(UUID);
      expect(await accessLine('gateway', requestId!)).toMatchObject({ status: 200 });
    }
    const { requestId } = await post({ query: '{ __typename }' });
    expect(requestId).toMatch(UUID);
  });

  it('answers the id on every HTTP answer: errors, 404, health checks and forwarded routes', async () => {
    const invalid = await post({ query: '{ noSuchField }' }, { 'x-request-id': 'invalid-1' });
    expect(invalid.status).toBe(400);
    expect(invalid.requestId).toBe('invalid-1');

    const notJson = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'not-json-1' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('x-request-id')).toBe('not-json-1');
    expect(await accessLine('gateway', 'not-json-1')).toMatchObject({ status: 400, path: '/graphql' });

    for (const path of ['/healthz', '/nowhere']) {
      const response = await fetch(new URL(path, stack.gateway.url), { headers: { 'x-request-id': `path${path.replace('/', '-')}` } });
      await response.arrayBuffer();
      expect(response.headers.get('x-request-id')).toBe(`path${path.replace('/', '-')}`);
    }
    expect(await accessLine('gateway', 'path-nowhere')).toMatchObject({ status: 404, path: '/nowhere' });

    const token = await fetch(new URL('/oauth/token', stack.gateway.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'token-1' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: randomUUID(), client_secret: 'a client secret 123' }).toString(),
    });
    await token.arrayBuffer();
    expect(token.status).toBeGreaterThanOrEqual(400);
    expect(token.headers.get('x-request-id')).toBe('token-1');
    expect(await accessLine('gateway', 'token-1')).toMatchObject({ path: '/oauth/token', status: token.status });
    // Passed on with the request: identity, which owns the grant, logs it under the same id.
    expect(await accessLine('identity', 'token-1')).toMatchObject({ path: '/oauth/token', status: token.status });

    const unsubscribe = await fetch(new URL('/notifications/unsubscribe?token=not-a-token', stack.gateway.url), { headers: { 'x-request-id': 'unsubscribe-1' } });
    await unsubscribe.arrayBuffer();
    expect(unsubscribe.headers.get('x-request-id')).toBe('unsubscribe-1');
    expect(await accessLine('community', 'unsubscribe-1')).toMatchObject({ status: unsubscribe.status });
  });

  it("puts an error answer's id and codes on its access line", async () => {
    const requestId = `error-${randomUUID()}`;
    const { body } = await post(
      { query: 'mutation Up($input: SignUpInput!) { signUp(input: $input) { accessToken } }', operationName: 'Up', variables: { input: { email: ada.email, password: PASSWORD, firstName: 'Ada', lastName: 'Again' } } },
      { 'x-request-id': requestId },
    );
    const codes = (body.errors ?? []).map((error) => error.extensions?.code);
    expect(codes.length).toBeGreaterThan(0);
    const gateway = await accessLine('gateway', requestId);
    expect(gateway).toMatchObject({ operationName: 'Up', status: 200 });
    expect(gateway.errorCodes).toEqual([...new Set(codes)]);
    // identity refused it, and said so on its own access line under the same id.
    expect((await accessLine('identity', requestId)).errorCodes).toEqual([...new Set(codes)]);

    const invalid = await post({ query: '{ noSuchField }' }, { 'x-request-id': `${requestId}-v` });
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await accessLine('gateway', `${requestId}-v`)).toMatchObject({ status: 400, errorCodes: ['GRAPHQL_VALIDATION_FAILED'] });
  });

  it('writes no password, token or e-mail address on any line', async () => {
    // A few more requests carrying secrets in variables and headers.
    const grace = await signUpUser(stack, 'Grace');
    await post({ query: ME_AND_ROOMS }, { authorization: `Bearer ${grace.accessToken}`, cookie: `session=${grace.accessToken}` });
    await post({ query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }', variables: { input: { email: grace.email, password: PASSWORD, firstName: 'G', lastName: 'H' } } });
    await accessLine('gateway', (await post({ query: '{ __typename }' })).requestId!);
    const text = allText();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [PASSWORD, ada.accessToken, grace.accessToken, ada.email, grace.email, 'a client secret 123']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
    expect(text).not.toContain(CALLER_HEADER);
    // Every line names its process.
    for (const [service] of written) for (const line of linesOf(service)) expect(line.service).toBe(service);
  });
});

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('LOG_LEVEL=silent', () => {
  it('prints nothing, through start, requests and stop', async () => {
    const database = await createTestDatabase();
    const gatewaySecret = randomBytes(32).toString('base64url');
    const port = await freePort();
    try {
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'subgraphs/scheduling/src/index.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: database.urlFor('academy_scheduling'), GATEWAY_SECRET: gatewaySecret, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      const url = `http://127.0.0.1:${port}`;
      for (;;) {
        const ready = await fetch(`${url}/readyz`).then((response) => response.status, () => 0);
        if (ready === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const caller = await signCallerToken({ viewer: null, clientAddress: '127.0.0.1', requestId: 'silent-1' }, gatewaySecret, 'scheduling');
      const answered = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', [CALLER_HEADER]: caller }, body: JSON.stringify({ query: '{ venues { id } }' }) });
      expect(answered.status).toBe(200);
      expect(answered.headers.get('x-request-id')).toBe('silent-1');
      const refused = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ venues { id } }"}' });
      expect(refused.status).toBe(401);
      child.kill('SIGTERM');
      // Its stop is clean, or (when the signal came before its handlers were in place, which
      // /readyz cannot tell) the signal's default: silent either way.
      expect([0, 'SIGTERM']).toContain((await exited).code ?? (await exited).signal);
      expect(output).toBe('');
    } finally {
      await database.drop();
    }
  }, 240_000);
});
