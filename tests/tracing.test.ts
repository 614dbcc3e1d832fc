// Traces across the federation, received as an operator's collector would receive them: a local
// OTLP/HTTP endpoint (JSON bodies) gets the spans of the gateway, the subgraphs, their DataLoader
// batches and SQL statements, and of the event consumers, all in the trace the client started.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTracing, tracingActive, type Tracing } from '@academy/service-kit';
import { IDENTITY_CONSUMER } from '@academy/subgraph-ai-analytics';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { insertRows, uuid, withAdmin } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

/** A span as the receiver decoded it from OTLP/JSON. */
interface ReceivedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** OTLP span kinds (the protocol's numbering). */
const Kind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, CONSUMER: 5 } as const;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { scope?: { name?: string }; spans?: (Omit<ReceivedSpan, 'service' | 'scope' | 'attributes'> & { attributes?: OtlpAttribute[] })[] }[];
  }[];
}

const valueOf = (value: OtlpValue) => value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.boolValue ?? value.doubleValue;
const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** A plain OTLP/HTTP receiver: POST /v1/traces with JSON bodies, every span kept. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; posts: () => number; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  let posts = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    if (req.method !== 'POST' || req.url !== '/v1/traces' || !req.headers['content-type']?.startsWith('application/json')) {
      res.writeHead(415).end();
      return;
    }
    posts += 1;
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
    for (const resourceSpans of body.resourceSpans ?? []) {
      const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          spans.push({
            service,
            scope: scopeSpans.scope?.name ?? '',
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind,
            attributes: attributesOf(span.attributes),
          });
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    posts: () => posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const CATALOGUE = 'query TracedCatalogue { courses(first: 5) { edges { node { title author { displayName } } } } }';
const SIGN_UP = 'mutation TracedSignUp($input: SignUpInput!) { signUp(input: $input) { user { id } } }';

/** A client's trace: a new trace id and the client's own span id, as a W3C traceparent. */
function clientTrace() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

let stack: TestStack;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let tracing: Tracing | undefined;
const authorId = uuid();
const courseId = uuid();

beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startStack();
  await withAdmin(stack.database.adminUrl, async (db) => {
    await insertRows(db, 'identity.users', [{ id: authorId, email: 'traced.author@example.test', display_name: 'Traced Author' }]);
    await insertRows(db, 'learning.courses', [
      { id: courseId, slug: 'traced-course', title: 'Traced Course', level: 'BEGINNER', language: 'en-GB', status: 'PUBLISHED', author_id: authorId, published_at: new Date() },
    ]);
  });
});

afterAll(async () => {
  await tracing?.shutdown();
  await stack?.stop();
  await receiver?.close();
});

/** Flushes the process's spans until `found` finds what it looks for in them (the consumer runs on its own time). */
async function spansUntil<T>(found: (spans: ReceivedSpan[]) => T | undefined): Promise<T> {
  for (;;) {
    await tracing!.flush();
    const result = found(receiver.spans);
    if (result !== undefined) return result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `span` and its ancestors within the received spans, nearest first. */
function lineage(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const chain = [span];
  for (let parent = spans.find((s) => s.spanId === span.parentSpanId); parent; parent = spans.find((s) => s.spanId === parent!.parentSpanId)) chain.push(parent);
  return chain;
}

describe('tracing off (no OTEL_* variables)', () => {
  it('starts no SDK, and a traced client request sends nothing anywhere', async () => {
    const off = await startTracing('academy-tests', {});
    expect(off.enabled).toBe(false);
    expect(tracingActive()).toBe(false);
    const client = clientTrace();
    const { status, body } = await stack.query(CATALOGUE, undefined, { traceparent: client.traceparent });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    await off.flush();
    expect(receiver.posts()).toBe(0);
  });
});

describe('tracing on (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  beforeAll(async () => {
    tracing = await startTracing('academy-tests', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'academy-traced-stack',
    });
    expect(tracing.enabled).toBe(true);
  });

  it('puts one query in the client trace: gateway request → plan fetch → subgraph request → loader batch → SQL', async () => {
    const client = clientTrace();
    const { body } = await stack.query<{ courses: { edges: { node: { title: string; author: { displayName: string } } }[] } }>(CATALOGUE, undefined, {
      traceparent: client.traceparent,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!.courses.edges).toEqual([{ node: { title: 'Traced Course', author: { displayName: 'Traced Author' } } }]);

    // Waits for the identity statement: it ends last (the author is fetched after the course).
    const spans = await spansUntil((all) => {
      const trace = all.filter((s) => s.traceId === client.traceId);
      const gatewaySpan = trace.find((s) => s.kind === Kind.SERVER && s.attributes['graphql.operation.name'] === 'TracedCatalogue' && s.parentSpanId === client.spanId);
      const identitySql = trace.find((s) => s.kind === Kind.CLIENT && s.attributes['academy.subgraph'] === 'identity' && s.attributes['db.system'] === 'postgresql');
      return gatewaySpan && identitySql ? trace : undefined;
    });
    expect(spans.every((s) => s.service === 'academy-traced-stack')).toBe(true);

    const gatewaySpan = spans.find((s) => s.parentSpanId === client.spanId)!;
    expect(gatewaySpan).toMatchObject({ name: 'query TracedCatalogue', kind: Kind.SERVER, attributes: { 'graphql.operation.type': 'query', 'http.response.status_code': 200 } });

    for (const subgraph of ['learning', 'identity']) {
      // Apollo's own span for the plan's fetch, under the gateway's request span.
      const fetch = spans.find((s) => s.name === 'gateway.fetch' && s.attributes.service === subgraph);
      expect(fetch).toBeDefined();
      expect(lineage(spans, fetch!).map((s) => s.spanId)).toContain(gatewaySpan.spanId);
      // The subgraph's request: a server span whose parent is that fetch (W3C traceparent over HTTP).
      const request = spans.find((s) => s.kind === Kind.SERVER && s.attributes['academy.subgraph'] === subgraph);
      expect(request).toMatchObject({ parentSpanId: fetch!.spanId, attributes: { 'url.path': '/graphql', 'http.response.status_code': 200 } });
      // Its SQL statements, texts without values.
      const statements = spans.filter((s) => s.kind === Kind.CLIENT && s.attributes['academy.subgraph'] === subgraph);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(lineage(spans, statement).map((s) => s.spanId)).toContain(request!.spanId);
        expect(statement.attributes['db.statement']).toMatch(/^\s*(select|with)\b/i);
        expect(String(statement.attributes['db.statement'])).not.toContain(subgraph === 'identity' ? authorId : courseId);
      }
    }

    // identity resolves the author through its DataLoader: the batch span holds the statement.
    const identityRequest = spans.find((s) => s.kind === Kind.SERVER && s.attributes['academy.subgraph'] === 'identity')!;
    const batch = spans.find((s) => s.name.startsWith('batch ') && lineage(spans, s).includes(identityRequest));
    expect(batch).toBeDefined();
    expect(batch!.attributes['academy.loader.batch_size']).toBe(1);
    expect(spans.some((s) => s.parentSpanId === batch!.spanId && s.kind === Kind.CLIENT)).toBe(true);
  });

  it('traces the fetches a gateway runs in process (the single-process layout) the same way', async () => {
    const inProcess = await stack.startInProcessGateway();
    const client = clientTrace();
    const response = await fetch(inProcess.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: client.traceparent },
      body: JSON.stringify({ query: CATALOGUE }),
    });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    const spans = await spansUntil((all) => {
      const trace = all.filter((s) => s.traceId === client.traceId);
      return trace.some((s) => s.kind === Kind.INTERNAL && s.attributes['academy.subgraph'] === 'identity') && trace.some((s) => s.attributes['academy.subgraph'] === 'identity' && s.kind === Kind.CLIENT) ? trace : undefined;
    });
    for (const subgraph of ['learning', 'identity']) {
      const fetchSpan = spans.find((s) => s.name === 'gateway.fetch' && s.attributes.service === subgraph)!;
      // No HTTP in between: an internal span, named after the subgraph's operation as over HTTP.
      const served = spans.find((s) => s.kind === Kind.INTERNAL && s.attributes['academy.subgraph'] === subgraph);
      expect(served).toMatchObject({ parentSpanId: fetchSpan.spanId, name: expect.stringMatching(new RegExp(`^query TracedCatalogue__${subgraph}__\\d+$`)) });
      const statement = spans.find((s) => s.kind === Kind.CLIENT && s.attributes['academy.subgraph'] === subgraph);
      expect(lineage(spans, statement!)).toContain(served);
    }
  });

  it('carries the trace of a mutation into the consumer of the event it appended', async () => {
    const client = clientTrace();
    const { body } = await stack.query(
      SIGN_UP,
      { input: { email: `traced.${Date.now()}@example.test`, password: 'a long enough passphrase 1', firstName: 'Traced', lastName: 'Tester' } },
      { traceparent: client.traceparent },
    );
    expect(body.errors).toBeUndefined();

    const consumed = await spansUntil((all) =>
      all.find((s) => s.kind === Kind.CONSUMER && s.name === 'consume UserRegistered' && s.attributes['messaging.consumer.group.name'] === IDENTITY_CONSUMER),
    );
    expect(consumed.traceId).toBe(client.traceId);
    // Its parent is a span of identity's request that appended the event.
    const spans = receiver.spans.filter((s) => s.traceId === client.traceId);
    const identityRequest = spans.find((s) => s.kind === Kind.SERVER && s.attributes['academy.subgraph'] === 'identity');
    const parent = spans.find((s) => s.spanId === consumed.parentSpanId);
    expect(parent).toBeDefined();
    expect(lineage(spans, parent!)).toContain(identityRequest);
    // The handler's statements run inside the consumer's span.
    await spansUntil((all) => (all.some((s) => s.parentSpanId === consumed.spanId && s.kind === Kind.CLIENT) ? true : undefined));
  });
});
