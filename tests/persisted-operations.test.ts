// Persisted operations through the gateway: automatic persisted queries (Apollo's protocol),
// and PERSISTED_OPERATIONS=require, where only the manifest's operations run.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadGatewayConfig, type RunningGateway } from '@academy/gateway';
import { ConfigError, ErrorCode, OperationLimitCode, RequestErrorCode } from '@academy/service-kit';
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from 'graphql-ws';
import { signUpUser, wsClient } from './support/clients.js';
import { startStack, type SubgraphName, type TestStack } from './support/stack.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const COURSES = 'query Courses { courses(first: 2) { edges { node { title } } } }';
const COURSE_COUNT = 'query CourseCount { courses(first: 1) { edges { node { slug } } } }';
/** 16 levels deep (course → upcomingSessions → course → …): over the default depth limit of 15. */
const TOO_DEEP = `query TooDeep { course(slug: "x") { ${'upcomingSessions(first: 1) { course { '.repeat(7)}id ${'} } '.repeat(7)}} }`;
const ROOM_MESSAGES = 'subscription RoomMessages($roomId: ID!) { messageAdded(roomId: $roomId) { id } }';
const MANIFEST = Object.fromEntries([COURSES, TOO_DEEP, ROOM_MESSAGES].map((document) => [sha256(document), document]));

let stack: TestStack;
let strict: RunningGateway;
let folder: string;
const sockets: Client[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'academy-persisted-'));
  await writeFile(join(folder, 'persisted-documents.json'), JSON.stringify(MANIFEST));
  stack = await startStack();
  strict = await stack.startGateway({ PERSISTED_OPERATIONS: 'require', PERSISTED_OPERATIONS_MANIFEST: join(folder, 'persisted-documents.json') });
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await stack?.stop();
  await rm(folder, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] };
}
const codesOf = (answer: Answer) => answer.body.errors?.map((error) => error.extensions?.code);

async function post(url: string, body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function get(url: string, params: Record<string, string>): Promise<Answer> {
  // Apollo Server's CSRF prevention lets through a GET only with a header a simple form cannot send.
  const response = await fetch(`${url}?${new URLSearchParams(params)}`, { headers: { 'apollo-require-preflight': 'true' } });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const byHash = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

/** Every fetch and subscription socket the gateways have sent to any subgraph so far. */
const subgraphCalls = () =>
  Object.values(stack.subgraphs as Record<SubgraphName, { fetches(): number; upgrades(): number }>).reduce((sum, subgraph) => sum + subgraph.fetches() + subgraph.upgrades(), 0);

describe('automatic persisted queries', () => {
  it('asks for an unknown hash, stores it with its text, then runs it by hash (POST and GET)', async () => {
    // Unique to this run: another test cannot have registered it.
    const query = `query Apq { courses(first: 1) { edges { node { title } } } __typename } # ${randomUUID()}`;
    const hash = sha256(query);
    const unknown = await post(stack.gateway.url, { extensions: byHash(hash) });
    expect(codesOf(unknown)).toEqual([RequestErrorCode.PERSISTED_QUERY_NOT_FOUND]);
    expect((await get(stack.gateway.url, { extensions: JSON.stringify(byHash(hash)) })).body.errors?.[0]?.extensions?.code).toBe(
      RequestErrorCode.PERSISTED_QUERY_NOT_FOUND,
    );

    const registered = await post(stack.gateway.url, { query, extensions: byHash(hash) });
    expect(registered.status).toBe(200);
    expect(registered.body.errors).toBeUndefined();
    expect(registered.body.data?.__typename).toBe('Query');

    const byPost = await post(stack.gateway.url, { extensions: byHash(hash) });
    expect(byPost.body).toEqual(registered.body);
    const byGet = await get(stack.gateway.url, { extensions: JSON.stringify(byHash(hash)) });
    expect(byGet.status).toBe(200);
    expect(byGet.body).toEqual(registered.body);
  });

  it('refuses a hash that is not the SHA-256 of the text sent with it, and stores nothing', async () => {
    const query = `query Mismatch { __typename } # ${randomUUID()}`;
    const wrong = sha256(`${query} `);
    const refused = await post(stack.gateway.url, { query, extensions: byHash(wrong) });
    expect(refused.status).toBe(400);
    expect(refused.body.data).toBeUndefined();
    expect(codesOf(refused)).toEqual([RequestErrorCode.BAD_REQUEST]);
    expect(refused.body.errors?.[0]?.message).toMatch(/not the SHA-256 of the query/);
    expect(codesOf(await post(stack.gateway.url, { extensions: byHash(wrong) }))).toEqual([RequestErrorCode.PERSISTED_QUERY_NOT_FOUND]);
  });

  it('refuses a persistedQuery extension of another version or without a hash with BAD_REQUEST', async () => {
    for (const persistedQuery of [{ version: 2, sha256Hash: sha256(COURSES) }, { version: 1 }, 'hash']) {
      const answer = await post(stack.gateway.url, { query: COURSES, extensions: { persistedQuery } });
      expect(answer.status).toBe(400);
      expect(codesOf(answer)).toEqual([RequestErrorCode.BAD_REQUEST]);
    }
  });

  it('holds a persisted query to the operation limits, and does not store a refused one', async () => {
    const hash = sha256(TOO_DEEP);
    const before = subgraphCalls();
    const refused = await post(stack.gateway.url, { query: TOO_DEEP, extensions: byHash(hash) });
    expect(refused.status).toBe(400);
    expect(codesOf(refused)).toEqual([OperationLimitCode.DEPTH_LIMIT_EXCEEDED]);
    expect(codesOf(await post(stack.gateway.url, { extensions: byHash(hash) }))).toEqual([RequestErrorCode.PERSISTED_QUERY_NOT_FOUND]);
    expect(subgraphCalls()).toBe(before);
  });
});

describe('automatic persisted queries in Redis (REDIS_URL)', () => {
  it('are answered as not found, never as a fault, while Redis cannot be reached', async () => {
    // A port nothing listens on: every command fails.
    const unreachable = await stack.startGateway({ REDIS_URL: 'redis://127.0.0.1:9' });
    const query = `query Unshared { __typename } # ${randomUUID()}`;
    const registered = await post(unreachable.url, { query, extensions: byHash(sha256(query)) });
    expect(registered).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    expect(codesOf(await post(unreachable.url, { extensions: byHash(sha256(query)) }))).toEqual([RequestErrorCode.PERSISTED_QUERY_NOT_FOUND]);
  });

  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    console.log('Persisted queries shared through Redis not tested: set REDIS_URL (e.g. redis://127.0.0.1:6379) to test them.');
    return;
  }
  it('registered on one gateway process, run by hash on another', async () => {
    const [first, second] = [await stack.startGateway({ REDIS_URL: redisUrl }), await stack.startGateway({ REDIS_URL: redisUrl })];
    const query = `query Shared { __typename } # ${randomUUID()}`;
    expect(codesOf(await post(second.url, { extensions: byHash(sha256(query)) }))).toEqual([RequestErrorCode.PERSISTED_QUERY_NOT_FOUND]);
    expect((await post(first.url, { query, extensions: byHash(sha256(query)) })).status).toBe(200);
    expect(await post(second.url, { extensions: byHash(sha256(query)) })).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });
});

describe('PERSISTED_OPERATIONS=require', () => {
  it('runs a manifest operation by its hash: extensions.persistedQuery, documentId, or GET', async () => {
    const expected = await stack.query(COURSES);
    expect(expected.body.errors).toBeUndefined();
    const hash = sha256(COURSES);
    for (const answer of [
      await post(strict.url, { extensions: byHash(hash) }),
      await post(strict.url, { documentId: `sha256:${hash}` }),
      await get(strict.url, { extensions: JSON.stringify(byHash(hash)) }),
      await get(strict.url, { documentId: hash }),
    ]) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(expected.body);
    }
  });

  it('refuses an unknown hash with PERSISTED_OPERATION_NOT_FOUND, before any subgraph is called', async () => {
    const before = subgraphCalls();
    const unknown = sha256(COURSE_COUNT);
    for (const answer of [await post(strict.url, { extensions: byHash(unknown) }), await post(strict.url, { documentId: `sha256:${unknown}` })]) {
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(codesOf(answer)).toEqual([RequestErrorCode.PERSISTED_OPERATION_NOT_FOUND]);
    }
    // Not even with its text: the manifest is the only source of operations.
    const registering = await post(strict.url, { query: COURSE_COUNT, extensions: byHash(unknown) });
    expect(codesOf(registering)).toEqual([RequestErrorCode.PERSISTED_OPERATION_NOT_FOUND]);
    expect(subgraphCalls()).toBe(before);
  });

  it('refuses a document sent as text with PERSISTED_OPERATION_REQUIRED (POST and GET), running nothing', async () => {
    const before = subgraphCalls();
    const email = `persisted.${randomUUID()}@example.test`;
    const signUp = `mutation { signUp(input: { email: "${email}", password: "a long enough passphrase 1", firstName: "P", lastName: "Q" }) { accessToken } }`;
    for (const answer of [await post(strict.url, { query: COURSE_COUNT }), await post(strict.url, { query: signUp }), await get(strict.url, { query: COURSE_COUNT })]) {
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(codesOf(answer)).toEqual([RequestErrorCode.PERSISTED_OPERATION_REQUIRED]);
    }
    expect(subgraphCalls()).toBe(before);
    // The refused sign-up made no account: the same address still signs up on the open gateway.
    const open = await stack.query(signUp);
    expect(open.body.errors).toBeUndefined();
  });

  it('refuses a manifest hash sent with another text', async () => {
    const answer = await post(strict.url, { query: COURSE_COUNT, extensions: byHash(sha256(COURSES)) });
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(codesOf(answer)).toEqual([RequestErrorCode.BAD_REQUEST]);
  });

  it('holds manifest operations to the operation limits', async () => {
    const answer = await post(strict.url, { extensions: byHash(sha256(TOO_DEEP)) });
    expect(answer.status).toBe(400);
    expect(codesOf(answer)).toEqual([OperationLimitCode.DEPTH_LIMIT_EXCEEDED]);
  });

  it('applies the manifest to graphql-ws subscribe messages', async () => {
    const user = await signUpUser(stack, 'Persisted');
    const socket = wsClient(strict.url, user);
    sockets.push(socket);
    // The code of the first error: a refused subscribe's `error` message, or one in a `next` of a started subscription.
    const firstError = (payload: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> }) =>
      new Promise<string | undefined>((resolve, reject) => {
        const stop = socket.subscribe(payload, {
          next: (result) => {
            stop();
            if (result.errors) resolve(result.errors[0]?.extensions?.code as string | undefined);
            else reject(new Error('the subscription ran'));
          },
          error: (errors) => resolve((errors as { extensions?: { code?: string } }[])[0]?.extensions?.code),
          complete: () => undefined,
        });
      });
    const variables = { roomId: randomUUID() };
    // Not in the manifest (another text): refused before anything else is looked at.
    expect(await firstError({ query: `${ROOM_MESSAGES} `, variables })).toBe(RequestErrorCode.PERSISTED_OPERATION_REQUIRED);
    expect(await firstError({ query: '', variables, extensions: byHash(sha256(COURSE_COUNT)) })).toBe(RequestErrorCode.PERSISTED_OPERATION_NOT_FOUND);
    // The manifest's subscription, by its text or by hash, passes and meets the room's own rule: members only.
    expect(await firstError({ query: ROOM_MESSAGES, variables })).toBe(ErrorCode.FORBIDDEN);
    expect(await firstError({ query: '', variables, extensions: byHash(sha256(ROOM_MESSAGES)) })).toBe(ErrorCode.FORBIDDEN);
  });
});

describe('PERSISTED_OPERATIONS=allow', () => {
  it('runs the manifest operations by hash from the first request, and any other document', async () => {
    const lenient = await stack.startGateway({ PERSISTED_OPERATIONS: 'allow', PERSISTED_OPERATIONS_MANIFEST: join(folder, 'persisted-documents.json') });
    const expected = await stack.query(COURSES);
    expect(await post(lenient.url, { extensions: byHash(sha256(COURSES)) })).toEqual({ status: 200, body: expected.body });
    const other = await post(lenient.url, { query: COURSE_COUNT });
    expect(other.status).toBe(200);
    expect(other.body.errors).toBeUndefined();
    expect(codesOf(await post(lenient.url, { extensions: byHash(sha256(`${COURSE_COUNT} `)) }))).toEqual([RequestErrorCode.PERSISTED_QUERY_NOT_FOUND]);
  });

  it('is not consulted when the mode is off', async () => {
    const off = await stack.startGateway({ PERSISTED_OPERATIONS_MANIFEST: join(folder, 'persisted-documents.json') });
    expect(codesOf(await post(off.url, { extensions: byHash(sha256(COURSES)) }))).toEqual([RequestErrorCode.PERSISTED_QUERY_NOT_FOUND]);
  });
});

describe('the manifest at start', () => {
  const settings = (manifest: string | undefined, mode = 'require') => ({
    GATEWAY_SECRET: 'x'.repeat(32),
    PERSISTED_OPERATIONS: mode,
    ...(manifest ? { PERSISTED_OPERATIONS_MANIFEST: manifest } : {}),
  });
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadGatewayConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('the configuration was accepted');
  };

  it('names each entry whose key is not the SHA-256 of its document, and a manifest that is not one', async () => {
    const sha1 = createHash('sha1').update(COURSES).digest('hex');
    const path = join(folder, 'sha1-documents.json');
    await writeFile(path, JSON.stringify({ [sha256(TOO_DEEP)]: TOO_DEEP, [sha1]: COURSES }));
    const [problem, ...others] = problemsOf(settings(path));
    expect(others).toEqual([]);
    expect(problem).toContain(`PERSISTED_OPERATIONS_MANIFEST: ${path}: entry "${sha1}": the key is not the SHA-256 of its document`);
    expect(problem).toContain("hashAlgorithm: 'sha256'");

    const list = join(folder, 'list.json');
    await writeFile(list, JSON.stringify([COURSES]));
    expect(problemsOf(settings(list))).toEqual([expect.stringContaining('must be a JSON object of hash → document')]);
    expect(problemsOf(settings(join(folder, 'missing.json')))).toEqual([expect.stringContaining('cannot read')]);
    expect(problemsOf(settings(undefined, 'allow'))).toEqual(['PERSISTED_OPERATIONS_MANIFEST: required when PERSISTED_OPERATIONS is allow']);
  });

  it('keeps the gateway process from starting, saying why', async () => {
    const path = join(folder, 'wrong-documents.json');
    await writeFile(path, JSON.stringify({ ['0'.repeat(64)]: COURSES }));
    const entry = fileURLToPath(new URL('../gateway/src/index.ts', import.meta.url));
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--conditions=source', '--import', 'tsx', entry], {
        env: { ...process.env, ...settings(path), PORT: '0', LOG_LEVEL: 'silent' },
      });
      let stderr = '';
      child.stderr?.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (exitCode) => resolve({ code: exitCode, stderr }));
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain(`entry "${'0'.repeat(64)}": the key is not the SHA-256 of its document`);
  });
});
