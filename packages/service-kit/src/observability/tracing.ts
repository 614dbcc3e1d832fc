import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadConfig, withoutEmptyValues, z } from '../config.js';

/**
 * OpenTelemetry traces, off unless the standard variables turn them on.
 *
 * Off, nothing of the SDK is loaded and every helper here checks one boolean and calls through:
 * no span objects, no context manager (so no AsyncLocalStorage on the promises of a request).
 * On, one tracer provider per process exports over OTLP/HTTP (JSON bodies) in batches, W3C
 * `traceparent`/`tracestate` are read from requests and sent on, and the helpers below make the
 * spans of the project's own layers: HTTP requests, DataLoader batches, SQL statements and
 * event handling. @apollo/gateway adds its own (`gateway.request`, `gateway.plan`,
 * `gateway.fetch`, ...) through the same global provider.
 */

/** The tracer our own spans are made with (the instrumentation scope in the exported data). */
export const TRACER_NAME = '@academy/service-kit';

/** Attribute keys beyond the semantic conventions' stable ones. */
export const TraceAttribute = {
  /** The subgraph that served a request or ran a statement, as composed into the supergraph. */
  SUBGRAPH: 'academy.subgraph',
  GRAPHQL_OPERATION_NAME: 'graphql.operation.name',
  GRAPHQL_OPERATION_TYPE: 'graphql.operation.type',
  /** The distinct error codes of a GraphQL response, comma-separated. */
  GRAPHQL_ERROR_CODES: 'graphql.error.codes',
  HTTP_METHOD: 'http.request.method',
  HTTP_STATUS: 'http.response.status_code',
  URL_PATH: 'url.path',
  /** Older and newer names of the same conventions, both set: backends read one or the other. */
  DB_SYSTEM: 'db.system',
  DB_SYSTEM_NAME: 'db.system.name',
  DB_STATEMENT: 'db.statement',
  DB_QUERY_TEXT: 'db.query.text',
  DB_OPERATION: 'db.operation.name',
  LOADER_NAME: 'academy.loader.name',
  LOADER_BATCH_SIZE: 'academy.loader.batch_size',
  MESSAGING_SYSTEM: 'messaging.system',
  MESSAGING_OPERATION: 'messaging.operation.type',
  MESSAGING_DESTINATION: 'messaging.destination.name',
  MESSAGING_CONSUMER: 'messaging.consumer.group.name',
  MESSAGING_MESSAGE_ID: 'messaging.message.id',
  EVENT_TYPE: 'academy.event.type',
} as const;

/** The tracing settings, read from the standard OpenTelemetry variables. */
export const tracingConfigSchema = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
  /** `otlp` turns traces on (at the endpoint below or http://localhost:4318); `none` keeps them off. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).optional(),
  /** Base URL of an OTLP/HTTP receiver; traces go to its /v1/traces. Setting it turns traces on. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** The full URL for traces, used as it is (wins over OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Only JSON over HTTP is sent; another protocol is a configuration error rather than silence. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.literal('http/json', { message: 'only http/json is supported' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.literal('http/json', { message: 'only http/json is supported' }).optional(),
  /** The process's name in every span it exports; default: the service's own name. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});
export type TracingConfig = z.output<typeof tracingConfigSchema>;

/** Where spans go, or null when tracing is off. */
export function tracesEndpoint(config: TracingConfig): string | null {
  if (config.OTEL_SDK_DISABLED === 'true' || config.OTEL_TRACES_EXPORTER === 'none') return null;
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return config.OTEL_TRACES_EXPORTER === 'otlp' ? 'http://localhost:4318/v1/traces' : null;
}

/** Tracing as started for this process. */
export interface Tracing {
  readonly enabled: boolean;
  /** The `service.name` spans are exported under (null when off). */
  readonly serviceName: string | null;
  /** Exports the spans ended so far (they are otherwise sent in batches, every few seconds). */
  flush(): Promise<void>;
  /** Exports what is buffered and unregisters the provider. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, serviceName: null, flush: async () => undefined, shutdown: async () => undefined };

// The one switch every helper reads: a process traces or it does not.
let active = false;
let started: Tracing | null = null;

/** True while this process exports traces. */
export function tracingActive(): boolean {
  return active;
}

/**
 * Starts tracing for this process if the environment asks for it (see `tracingConfigSchema`),
 * under `defaultServiceName` unless OTEL_SERVICE_NAME names it. Call once, before building the
 * servers; a second call returns the first one's tracing. Off, the SDK is not even loaded.
 */
export async function startTracing(defaultServiceName: string, env: Record<string, string | undefined> = process.env): Promise<Tracing> {
  if (started) return started;
  const config = loadConfig(tracingConfigSchema, withoutEmptyValues(env));
  const url = tracesEndpoint(config);
  if (!url) return OFF;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { ATTR_SERVICE_NAME }, { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/semantic-conventions'),
      import('@opentelemetry/core'),
    ]);
  const serviceName = config.OTEL_SERVICE_NAME ?? defaultServiceName;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, 'service.namespace': 'academy-supergraph' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register({ propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }) });
  active = true;
  const tracing: Tracing = {
    enabled: true,
    serviceName,
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (started !== tracing) return;
      active = false;
      started = null;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  started = tracing;
  return tracing;
}

const tracer = () => trace.getTracer(TRACER_NAME);

/** Ends `span` after `work`, recording a failure as the span's error. */
async function endAfter<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs `work` in a child span of the current one. Without a current span (or with tracing off)
 * it runs as it is: statements of background polling and the like start no traces of their own.
 */
export function inChildSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  if (!active) return work();
  const parent = context.active();
  if (!trace.getSpan(parent)) return work();
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  return context.with(trace.setSpan(parent, span), () => endAfter(span, work));
}

/** Runs `work` in a span under `parent` (a context extracted from a request or an event). */
export function inSpan<T>(name: string, options: { kind: SpanKind; attributes: Attributes; parent?: Context }, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  return context.with(trace.setSpan(parent, span), () => endAfter(span, () => work(span)));
}

const headerGetter: TextMapGetter<IncomingMessage['headers']> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};

/** The trace context a request carries (`traceparent`, `tracestate`), or the root context. */
export function traceContextOf(headers: IncomingMessage['headers']): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** Adds the current trace context's headers (`traceparent`, `tracestate`) through `set`; nothing when tracing is off. */
export function sendTraceContext(set: (name: string, value: string) => void): void {
  if (!active) return;
  propagation.inject(context.active(), undefined, { set: (_carrier, key, value) => set(key, value) });
}

/** The current span's W3C `traceparent`, to store with work done later (an outbox event); null when there is none. */
export function currentTraceparent(): string | null {
  if (!active) return null;
  const span = trace.getSpan(context.active());
  if (!span) return null;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/** The context of a stored `traceparent` (see currentTraceparent), or undefined when it is absent or malformed. */
export function contextOfTraceparent(traceparent: string | null | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent });
  return trace.getSpan(extracted) ? extracted : undefined;
}

/** Paths polled by orchestrators and scrapers: a span for each would bury the requests. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Wraps an HTTP request listener so each request runs in a server span: a child of the trace
 * context the request carries, named `METHOD /path` until a GraphQL operation renames it (see
 * `graphqlTracingPlugin`), ended when the response is done.
 */
export function traceHttpRequests(
  listener: (req: IncomingMessage, res: ServerResponse) => unknown,
  attributes: Attributes = {},
): (req: IncomingMessage, res: ServerResponse) => unknown {
  return (req, res) => {
    if (!active) return listener(req, res);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (UNTRACED_PATHS.has(path)) return listener(req, res);
    const method = req.method ?? 'GET';
    const parent = traceContextOf(req.headers);
    const span = tracer().startSpan(
      `${method} ${path}`,
      { kind: SpanKind.SERVER, attributes: { ...attributes, [TraceAttribute.HTTP_METHOD]: method, [TraceAttribute.URL_PATH]: path } },
      parent,
    );
    res.once('close', () => {
      span.setAttribute(TraceAttribute.HTTP_STATUS, res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: res.writableFinished ? undefined : 'the connection closed before the response was sent' });
      span.end();
    });
    return context.with(trace.setSpan(parent, span), () => listener(req, res));
  };
}

/** Error codes that mean the server failed (rather than the request being refused). */
const SERVER_FAILURES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

/**
 * An Apollo Server plugin naming the current request's span after its operation
 * (`query CourseCatalogue`) and recording its error codes; server failures mark the span as
 * an error, a refused request (BAD_USER_INPUT, FORBIDDEN, ...) does not.
 */
export function graphqlTracingPlugin() {
  return {
    async requestDidStart() {
      if (!active) return undefined;
      const span = trace.getSpan(context.active());
      if (!span) return undefined;
      return {
        async didResolveOperation({ operation, operationName }: { operation?: { operation: string } | null; operationName?: string | null }) {
          const type = operation?.operation ?? 'operation';
          span.setAttribute(TraceAttribute.GRAPHQL_OPERATION_TYPE, type);
          if (operationName) span.setAttribute(TraceAttribute.GRAPHQL_OPERATION_NAME, operationName);
          span.updateName(operationName ? `${type} ${operationName}` : type);
        },
        async willSendResponse({ response }: { response: { body: { kind: string; singleResult?: { errors?: readonly { extensions?: Record<string, unknown> }[] } } } }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult?.errors : undefined;
          if (!errors?.length) return;
          const codes = [...new Set(errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))].sort();
          span.setAttribute(TraceAttribute.GRAPHQL_ERROR_CODES, codes.join(','));
          if (codes.some((code) => SERVER_FAILURES.has(code))) span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(',') });
        },
      };
    },
  };
}

/** The first keyword of a statement (SELECT, INSERT, BEGIN, ...): its span's name. */
function statementKind(text: string): string {
  return /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
}

/**
 * Runs one SQL statement in a client span carrying its text (parameters are sent apart, so no
 * values), when a traced operation is under way.
 */
export function traceStatement<T>(text: string, application: string | undefined, run: () => Promise<T>): Promise<T> {
  if (!active) return run();
  const operation = statementKind(text);
  return inChildSpan(
    application ? `${operation} ${application}` : operation,
    {
      [TraceAttribute.DB_SYSTEM]: 'postgresql',
      [TraceAttribute.DB_SYSTEM_NAME]: 'postgresql',
      [TraceAttribute.DB_STATEMENT]: text,
      [TraceAttribute.DB_QUERY_TEXT]: text,
      [TraceAttribute.DB_OPERATION]: operation,
      ...(application ? { [TraceAttribute.SUBGRAPH]: application } : {}),
    },
    run,
    SpanKind.CLIENT,
  );
}

/** Wraps a DataLoader batch function so each batch runs in a span naming the loader and the batch size. */
export function traceBatch<K, V>(name: () => string | null, load: (keys: readonly K[]) => Promise<V>): (keys: readonly K[]) => Promise<V> {
  return (keys) => {
    if (!active) return load(keys);
    const loader = name() ?? 'dataloader';
    return inChildSpan(`batch ${loader}`, { [TraceAttribute.LOADER_NAME]: loader, [TraceAttribute.LOADER_BATCH_SIZE]: keys.length }, () => load(keys));
  };
}

export { SpanKind };
