// The OpenAI-compatible adapter against a local server speaking the chat-completions protocol
// over real HTTP (port 0): whole and streamed answers, usage, errors, timeouts, and the key
// kept out of logs and errors. Then the subgraph with that adapter: retrieval still supplies
// the passages and the citations.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordingLogger, startTestSubgraph, type LogLine, type TestSubgraph } from '@academy/service-kit/testing';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { assistantSettings, createModelProvider } from '../src/ai/assistant-config.js';
import { ModelProviderError, type ModelChunk, type ModelMessage } from '../src/ai/model-provider.js';
import { OpenAiCompatibleProvider } from '../src/ai/openai-compatible-provider.js';
import { LocalModelProvider } from '../src/ai/local-provider.js';
import { buildAiAnalyticsSubgraph } from '../src/server.js';

const KEY = 'sk-test-0123456789abcdef-secret';

interface Received {
  authorization: string | undefined;
  body: { model: string; messages: ModelMessage[]; stream: boolean; stream_options?: unknown; max_tokens: number };
}

/** What the server does with the next request: by the model name the test asks for. */
type Behaviour = (req: IncomingMessage, res: ServerResponse, body: Received['body']) => void;

const sse = (res: ServerResponse, data: unknown) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
const delta = (content: string) => ({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });

const behaviours: Record<string, Behaviour> = {
  plain: (_req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: `Hello from ${body.model}.` } }], usage: { prompt_tokens: 42, completion_tokens: 5 } }));
  },
  streamed: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': a comment line, ignored\n\n');
    sse(res, { ...delta(''), choices: [{ index: 0, delta: { role: 'assistant' } }] });
    sse(res, delta('Hel'));
    // One event split across two writes, and \r\n line ends: the reader must reassemble it.
    const split = `data: ${JSON.stringify(delta('lo, '))}\r\n\r\n`;
    res.write(split.slice(0, 17));
    setTimeout(() => {
      res.write(split.slice(17));
      sse(res, delta('world.'));
      sse(res, { id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 30, completion_tokens: 4 } });
      sse(res, '[DONE]');
      res.end();
    }, 20);
  },
  'streamed-no-usage': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    sse(res, delta('Twelve chars'));
    sse(res, '[DONE]');
    res.end();
  },
  'cut-short': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    sse(res, delta('Half an ans'));
    res.end();
  },
  garbage: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: {not json\n\n');
  },
  unauthorized: (_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }));
  },
  limited: (_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
    res.end('{"error":{"message":"slow down"}}');
  },
  broken: (_req, res) => {
    res.writeHead(503);
    res.end();
  },
  silent: () => {
    // Never answers: the adapter's timeout ends the wait.
  },
  stalls: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    sse(res, delta('Then nothing'));
  },
};

let server: Server;
let baseUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404);
        res.end();
        return;
      }
      const body = JSON.parse(raw) as Received['body'];
      received.push({ authorization: req.headers.authorization, body });
      (behaviours[body.model] ?? behaviours.plain!)(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function provider(model: string, lines: LogLine[] = [], timeoutMs = 2_000) {
  return new OpenAiCompatibleProvider({ baseUrl, apiKey: KEY, model, timeoutMs, maxTokens: 300, logger: recordingLogger(lines) });
}

const MESSAGES: ModelMessage[] = [
  { role: 'system', content: 'Answer from the passages.' },
  { role: 'user', content: 'Which first aid course?' },
];

async function run(model: string, stream: boolean, lines: LogLine[] = [], timeoutMs?: number): Promise<ModelChunk[]> {
  const chunks: ModelChunk[] = [];
  for await (const chunk of provider(model, lines, timeoutMs).complete(MESSAGES, { stream, passages: [] })) chunks.push(chunk);
  return chunks;
}

async function failure(model: string, stream: boolean, lines: LogLine[] = [], timeoutMs?: number): Promise<ModelProviderError> {
  try {
    await run(model, stream, lines, timeoutMs);
  } catch (error) {
    return error as ModelProviderError;
  }
  throw new Error('expected a failure');
}

describe('the OpenAI-compatible adapter', () => {
  it('posts the conversation with the Bearer key and returns a whole answer with the usage the API counted', async () => {
    const chunks = await run('plain', false);
    expect(chunks).toEqual([
      { kind: 'text', text: 'Hello from plain.' },
      { kind: 'usage', usage: { promptTokens: 42, completionTokens: 5 } },
    ]);
    const request = received.at(-1)!;
    expect(request.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toEqual({ model: 'plain', messages: MESSAGES, max_tokens: 300, stream: false });
  });

  it('streams server-sent events chunk by chunk until [DONE], with the usage of the last chunk', async () => {
    const chunks = await run('streamed', true);
    expect(chunks).toEqual([
      { kind: 'text', text: 'Hel' },
      { kind: 'text', text: 'lo, ' },
      { kind: 'text', text: 'world.' },
      { kind: 'usage', usage: { promptTokens: 30, completionTokens: 4 } },
    ]);
    expect(received.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('estimates the usage when the server sends none', async () => {
    const chunks = await run('streamed-no-usage', true);
    expect(chunks.at(-1)).toEqual({ kind: 'usage', usage: { promptTokens: 4 + 7 + 4 + 6, completionTokens: 3 } });
  });

  it('maps failures to their kind: refused key, rate limit with its wait, server error, stream cut short, garbage', async () => {
    expect(await failure('unauthorized', false)).toMatchObject({ kind: 'unauthorized' });
    expect(await failure('limited', true)).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 7 });
    expect(await failure('broken', false)).toMatchObject({ kind: 'unavailable' });
    expect(await failure('cut-short', true)).toMatchObject({ kind: 'bad_response' });
    expect(await failure('garbage', true)).toMatchObject({ kind: 'bad_response' });
  });

  it('times out a server that does not answer, and one that stops in the middle of a stream', async () => {
    expect(await failure('silent', false, [], 300)).toMatchObject({ kind: 'timeout' });
    expect(await failure('stalls', true, [], 300)).toMatchObject({ kind: 'timeout' });
  });

  it('cannot reach a server that is not there', async () => {
    const gone = new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: KEY, model: 'plain', timeoutMs: 2_000, maxTokens: 10, logger: recordingLogger([]) });
    await expect(gone.complete(MESSAGES, { stream: false, passages: [] })[Symbol.asyncIterator]().next()).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('never puts the key in a log line or an error, even when the server echoes it', async () => {
    const lines: LogLine[] = [];
    const errors = [await failure('unauthorized', false, lines), await failure('limited', false, lines), await failure('broken', true, lines), await failure('silent', false, lines, 200)];
    expect(lines.length).toBeGreaterThan(0);
    const seen = JSON.stringify(lines) + JSON.stringify(errors.map((e) => ({ message: e.message, kind: e.kind, stack: e.stack })));
    expect(seen).not.toContain(KEY);
    expect(seen).not.toContain(KEY.slice(3, 20));
  });

  it('is chosen by AI_PROVIDER, which needs the URL, key and model; local is the default', () => {
    expect(createModelProvider(assistantSettings({}), { logger: recordingLogger([]) })).toBeInstanceOf(LocalModelProvider);
    const remote = assistantSettings({ AI_PROVIDER: 'openai-compatible', AI_API_URL: baseUrl, AI_API_KEY: KEY, AI_MODEL: 'plain' });
    expect(createModelProvider(remote, { logger: recordingLogger([]) })).toBeInstanceOf(OpenAiCompatibleProvider);
    expect(() => assistantSettings({ AI_PROVIDER: 'openai-compatible' })).toThrow(/AI_API_URL: is required[\s\S]*AI_API_KEY: is required[\s\S]*AI_MODEL: is required/);
    expect(assistantSettings({ AI_DAILY_TOKEN_QUOTAS: 'LEARNER=10,ADMIN=99' }).AI_DAILY_TOKEN_QUOTAS).toMatchObject({ LEARNER: 10, ADMIN: 99, TRAINER: 50_000 });
    expect(() => assistantSettings({ AI_DAILY_TOKEN_QUOTAS: 'WIZARD=1' })).toThrow(/WIZARD=1/);
  });
});

describe('askAssistant with the OpenAI-compatible adapter', () => {
  let subgraph: TestSubgraph<ReturnType<typeof buildAiAnalyticsSubgraph>>;
  const COURSE = '2f1b8a52-6a51-4a4b-9f43-1f0b1f3c0a11';
  const USER = '8e0f8f2a-7b7c-4c5d-9e6f-0a1b2c3d4e5f';
  const viewer = { userId: USER, roles: ['LEARNER' as const] };

  beforeAll(async () => {
    subgraph = await startTestSubgraph(
      (options) => buildAiAnalyticsSubgraph({ ...options, assistant: assistantSettings({ AI_PROVIDER: 'openai-compatible', AI_API_URL: baseUrl, AI_API_KEY: KEY, AI_MODEL: 'plain' }) }),
      'academy_ai_analytics',
    );
    const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
    await admin.connect();
    try {
      await admin.query(
        `INSERT INTO ai_analytics.course_documents (course_id, slug, title, language, status, content, source_at)
         VALUES ($1, 'paediatric-first-aid', 'Paediatric First Aid', 'en-GB', 'PUBLISHED', 'First aid for babies and children: choking, CPR and burns.', now())`,
        [COURSE],
      );
    } finally {
      await admin.end();
    }
  });
  afterAll(async () => {
    await subgraph?.stop();
  });

  it('sends the retrieved passages to the model and cites their courses; the usage is what the API counted', async () => {
    const { body } = await subgraph.request<{ askAssistant: { content: string; tokenCount: number; citations: { id: string }[] } }>(
      'mutation { askAssistant(message: "first aid for children who are choking") { content tokenCount citations { id } } }',
      {},
      { viewer },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.askAssistant).toEqual({ content: 'Hello from plain.', tokenCount: 5, citations: [{ id: COURSE }] });
    const sent = received.at(-1)!.body.messages;
    expect(sent[0]).toMatchObject({ role: 'system' });
    expect(sent[0]!.content).toContain('Paediatric First Aid (/courses/paediatric-first-aid)');
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'first aid for children who are choking' });
    const usage = await subgraph.request<{ aiUsage: { edges: { node: { tokensIn: number; tokensOut: number; requests: number } }[] } }>(
      '{ aiUsage { edges { node { tokensIn tokensOut requests } } } }',
      {},
      { viewer },
    );
    expect(usage.body.data!.aiUsage.edges.map((e) => e.node)).toEqual([{ tokensIn: 42, tokensOut: 5, requests: 1 }]);
  });

  it('answers SERVICE_UNAVAILABLE when the model API fails, and stores nothing', async () => {
    const failing = startTestSubgraph(
      (options) => buildAiAnalyticsSubgraph({ ...options, assistant: assistantSettings({ AI_PROVIDER: 'openai-compatible', AI_API_URL: baseUrl, AI_API_KEY: KEY, AI_MODEL: 'broken' }) }),
      'academy_ai_analytics',
    );
    const other = await failing;
    try {
      const { body } = await other.request('mutation { askAssistant(message: "anything") { id } }', {}, { viewer });
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(body)).not.toContain(KEY);
      const admin = new pg.Client({ connectionString: other.database.adminUrl });
      await admin.connect();
      try {
        expect((await admin.query('SELECT count(*)::int AS n FROM ai_analytics.ai_messages')).rows).toEqual([{ n: 0 }]);
      } finally {
        await admin.end();
      }
    } finally {
      await other.stop();
    }
  });
});
