import { RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import {
  CALLER_HEADER,
  ErrorCode,
  FETCH_BATCH_HEADERS,
  FETCH_BATCH_MAX_FETCHES,
  FETCH_BATCH_PATH,
  sendTraceContext,
  tracingActive,
  type Logger,
  type RequestCaller,
  type SubgraphRequest,
} from '@academy/service-kit';
import {
  Kind,
  parse,
  type DocumentNode,
  type FormattedExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type SelectionSetNode,
} from 'graphql';
import { Agent, type Dispatcher } from 'undici';
import type { GatewayContext } from './context.js';

/** What the data sources read of a fetch's answer. */
interface FetchAnswer {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

type PlainFetch = (url: string, init?: FetchInit) => Promise<FetchAnswer>;

/**
 * One pooled keep-alive HTTP client for all subgraph traffic: connections are reused across
 * requests instead of opened per fetch.
 *
 * Its fetcher is undici's dispatcher behind the few members of a fetch Response that the data
 * sources read, not a fetch implementation: on the path of every fetch of every query plan, the
 * web-streams machinery of fetch cost more CPU than the rest of the request.
 *
 * `subgraphFetcher` is the data sources' fetcher: with `batching`, the fetches to one subgraph
 * made in the same turn of the event loop travel as one request (see `batchFetches`).
 */
export function createSubgraphFetcher(options: {
  connections: number;
  timeoutMs: number;
  batching?: boolean;
  /** Origin (of a subgraph's URL) → the Unix-domain socket its requests go to instead. */
  sockets?: Record<string, string>;
  logger?: Logger;
}) {
  const agentOptions = {
    connections: options.connections,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    pipelining: 1,
  };
  const agent = new Agent(agentOptions);
  // One pool per socket: undici keys its pools by origin, so each socket gets an agent of its own.
  const socketAgents = new Map(Object.entries(options.sockets ?? {}).map(([origin, socketPath]) => [origin, new Agent({ ...agentOptions, connect: { socketPath } })]));
  const plain: PlainFetch = async (url, init) => {
    const target = new URL(url);
    const response = await (socketAgents.get(target.origin) ?? agent).request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: init?.headers,
      body: init?.body,
    });
    const text = await response.body.text();
    const status = response.statusCode;
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: STATUS_TEXT[status] ?? '',
      url,
      headers: { get: (name: string) => headerValue(response.headers, name) },
      text: async () => text,
      json: async () => JSON.parse(text) as unknown,
    };
  };
  const fetcher = plain as unknown as Fetcher;
  const subgraphFetcher = (options.batching ? batchFetches(plain, options.logger) : plain) as unknown as Fetcher;
  return { fetcher, subgraphFetcher, close: () => Promise.all([agent, ...socketAgents.values()].map((each) => each.close())).then(() => undefined) };
}

/** The largest fetch body sent in a batch (a subgraph reads 1 MiB for a fetch of its own). */
const BATCHED_BODY_MAX_BYTES = 1024 * 1024;
/** The largest batch body sent (a subgraph reads up to 8 MiB). */
const BATCH_MAX_BYTES = 4 * 1024 * 1024;

interface PendingFetch {
  url: string;
  init: FetchInit & { body: string };
  resolve: (answer: FetchAnswer) => void;
  reject: (error: unknown) => void;
}

/** A fetch's answer taken from a batch's answer: already parsed. */
function batchedAnswer(url: string, status: number, body: unknown): FetchAnswer {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: STATUS_TEXT[status] ?? '',
    url,
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json; charset=utf-8' : null) },
    text: async () => JSON.stringify(body),
    json: async () => body,
  };
}

/**
 * Sends the POST fetches to one subgraph that are made in the same turn of the event loop
 * (until `setImmediate`) as one request to the subgraph's `FETCH_BATCH_PATH`; a fetch that is
 * alone in its turn goes out as before. On a loaded gateway the fetches of concurrent client
 * requests meet in the same turn, and one HTTP exchange then carries several of them: each
 * still has its own caller token, request id and answer, so a batch changes nothing a fetch
 * answers, only how many requests both processes parse, route and write.
 *
 * A fetch the subgraph did not run (answered `retry`), or every fetch of a batch refused as a
 * whole (4xx: nothing ran), is sent again on its own; a subgraph answering 404 does not serve
 * batches and gets single fetches from then on. A batch lost on the way (connection reset,
 * timeout) or failed (5xx) fails each of its fetches as a fetch of its own would fail: none is
 * sent twice.
 */
export function batchFetches(plain: PlainFetch, logger?: Logger): PlainFetch {
  const queued = new Map<string, PendingFetch[]>();
  const unbatched = new Set<string>();
  const batchUrls = new Map<string, string>();
  let scheduled = false;

  const alone = (fetch: PendingFetch) => {
    plain(fetch.url, fetch.init).then(fetch.resolve, fetch.reject);
  };

  const send = async (url: string, fetches: PendingFetch[]) => {
    const parts = fetches.map((fetch) => {
      const headers: Record<string, string> = {};
      for (const name of FETCH_BATCH_HEADERS) {
        const value = fetch.init.headers?.[name];
        if (value !== undefined) headers[name] = value;
      }
      // A data source's body is JSON text already: it is embedded as it is.
      return `{"headers":${JSON.stringify(headers)},"body":${fetch.init.body}}`;
    });
    let answers: unknown;
    let status: number;
    try {
      let batchUrl = batchUrls.get(url);
      if (batchUrl === undefined) batchUrls.set(url, (batchUrl = batchUrlOf(url)));
      const response = await plain(batchUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: `{"fetches":[${parts.join(',')}]}`,
      });
      status = response.status;
      answers = status === 200 ? ((await response.json()) as { answers?: unknown } | null)?.answers : undefined;
    } catch (error) {
      for (const fetch of fetches) fetch.reject(error);
      return;
    }
    if (status >= 400 && status < 500) {
      // Refused as a whole (malformed, too large, or not served here): none of it ran.
      if (status === 404) {
        unbatched.add(url);
        logger?.info('subgraph does not serve fetch batches; sending fetches one by one', { url });
      }
      fetches.forEach(alone);
      return;
    }
    if (!Array.isArray(answers) || answers.length !== fetches.length) {
      // A failure (5xx, say from a proxy whose subgraph went away) or an answer out of shape:
      // some fetches may have run, so none is sent again; each fails as a failed fetch does.
      const failure = new Error(`the subgraph answered a fetch batch with ${status === 200 ? 'an answer out of shape' : `status ${status}`}`);
      for (const fetch of fetches) fetch.reject(failure);
      return;
    }
    fetches.forEach((fetch, index) => {
      const answer = answers[index] as { status?: unknown; body?: unknown; retry?: unknown } | null;
      if (answer && typeof answer.status === 'number' && answer.retry === undefined) fetch.resolve(batchedAnswer(fetch.url, answer.status, answer.body));
      else alone(fetch);
    });
  };

  const flush = () => {
    scheduled = false;
    const batches = [...queued];
    queued.clear();
    for (const [url, fetches] of batches) {
      let start = 0;
      while (start < fetches.length) {
        let end = start;
        let bytes = 0;
        while (end < fetches.length && end - start < FETCH_BATCH_MAX_FETCHES && (end === start || bytes + fetches[end]!.init.body.length <= BATCH_MAX_BYTES)) {
          bytes += fetches[end]!.init.body.length;
          end += 1;
        }
        if (end - start === 1) alone(fetches[start]!);
        else void send(url, fetches.slice(start, end));
        start = end;
      }
    }
  };

  return (url, init) => {
    const body = init?.body;
    if (init?.method !== 'POST' || typeof body !== 'string' || body.length > BATCHED_BODY_MAX_BYTES || unbatched.has(url) || tracingActive()) {
      return plain(url, init);
    }
    return new Promise<FetchAnswer>((resolve, reject) => {
      let fetches = queued.get(url);
      if (!fetches) queued.set(url, (fetches = []));
      fetches.push({ url, init: { ...init, body }, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  };
}

/** Where a subgraph at `url` (its /graphql) serves fetch batches. */
function batchUrlOf(url: string): string {
  const target = new URL(url);
  target.pathname = target.pathname.replace(/\/graphql\/?$/, '') + FETCH_BATCH_PATH;
  return target.toString();
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type FetchRequest = ProcessOptions['request'];

/** The response names of the fields a selection set asks for, on an object of `typename`. */
function fieldNames(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, typename?: string): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') names.push(selection.alias?.value ?? selection.name.value);
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
    if (!fragment) continue;
    const condition = fragment.typeCondition?.name.value;
    if (condition && typename && condition !== typename) continue;
    for (const name of fieldNames(fragment.selectionSet, fragments, typename)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The paths, in the fetch's own response, of everything a failed fetch would have answered:
 * its root fields, or each field of each entity it was asked for (`_entities.3.price`), which
 * the query planner maps to the paths of the client's operation.
 */
export function pathsOfFetch(request: FetchRequest, document?: DocumentNode): (string | number)[][] {
  if (!request.query) return [];
  const parsed = document ?? parse(request.query);
  const operation = parsed.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const fragments = new Map(
    parsed.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const representations = request.variables?.representations;
  const [root] = operation.selectionSet.selections;
  if (Array.isArray(representations) && root?.kind === Kind.FIELD && root.name.value === '_entities' && root.selectionSet) {
    const responseName = root.alias?.value ?? root.name.value;
    return representations.flatMap((representation: unknown, index) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      return fieldNames(root.selectionSet!, fragments, typeof typename === 'string' ? typename : undefined).map((name) => [responseName, index, name]);
    });
  }
  return fieldNames(operation.selectionSet, fragments).map((name) => [name]);
}

const UNAVAILABLE_MESSAGE = 'This part of the answer is unavailable: a service did not answer. Retry shortly.';

/** The answer of a fetch that could not be made: no data, and an error at each path it would have filled. */
export function unavailableAnswer(request: FetchRequest, document?: DocumentNode): FormattedExecutionResult {
  const extensions = { code: ErrorCode.SERVICE_UNAVAILABLE };
  const paths = pathsOfFetch(request, document);
  const errors: GraphQLFormattedError[] = paths.length ? paths.map((path) => ({ message: UNAVAILABLE_MESSAGE, path, extensions })) : [{ message: UNAVAILABLE_MESSAGE, extensions }];
  return { data: null, errors };
}

/** What RemoteGraphQLDataSource attaches to the error it throws for a non-2xx answer. */
interface HttpFailure {
  extensions?: { response?: { status?: number; body?: unknown } };
}

/** A subgraph's answer to a request it refused (4xx) that carries GraphQL errors, as it was sent. */
function refusal(error: unknown): FormattedExecutionResult | null {
  const response = (error as HttpFailure | null)?.extensions?.response;
  if (!response?.status || response.status < 400 || response.status >= 500) return null;
  const body = response.body as { data?: Record<string, unknown> | null; errors?: unknown } | null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.errors) || body.errors.length === 0) return null;
  return { data: body.data ?? null, errors: body.errors as GraphQLFormattedError[] };
}

/**
 * A subgraph data source that sends the caller the gateway signed for this subgraph (and
 * nothing the client sent), and the request id so logs of one request can be joined.
 *
 * A subgraph's refusal (4xx with GraphQL errors) reaches the client with its codes, not as an
 * internal error. When the subgraph cannot be reached, times out or fails (5xx), the fetch
 * answers SERVICE_UNAVAILABLE errors at the paths it would have filled, so the client gets the
 * other subgraphs' data and knows exactly what is missing.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  /** The subgraph's name: its caller tokens are signed for it alone. */
  readonly subgraphName: string;
  private readonly logger: Logger | undefined;

  constructor(options: { url?: string; fetcher: Fetcher; name: string; logger?: Logger }) {
    super({ url: options.url, fetcher: options.fetcher });
    this.subgraphName = options.name;
    this.logger = options.logger;
  }

  override async willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    const headers = request.http?.headers;
    // The fetch's span (gateway.fetch) is current here: the subgraph's request becomes its child.
    if (headers) sendTraceContext((name, value) => headers.set(name, value));
    if (!headers || !context?.callerTokens) return;
    headers.set(CALLER_HEADER, await context.callerTokens.for(this.subgraphName));
    headers.set('x-request-id', context.requestId);
  }

  override async process(options: ProcessOptions) {
    try {
      return await super.process(options);
    } catch (error) {
      const refused = refusal(error);
      if (refused) return refused;
      const status = (error as HttpFailure | null)?.extensions?.response?.status;
      this.logger?.warn('subgraph fetch failed', { subgraph: this.subgraphName, status, reason: (error as Error | null)?.message });
      return unavailableAnswer(options.request, 'document' in options ? options.document : undefined);
    }
  }
}


/** A subgraph built in the gateway's own process (see `SubgraphRequest` in the service kit). */
export interface LocalSubgraph {
  execute(request: SubgraphRequest, caller: RequestCaller): Promise<FormattedExecutionResult>;
}

const NO_CALLER: RequestCaller = { viewer: null, clientAddress: null, requestId: null };

/**
 * A subgraph data source for a subgraph in the gateway's process: the plan's fetch runs through
 * the subgraph's own schema, context and error masking, with the caller handed over as it is
 * (no token to sign and verify) and no HTTP, JSON or sockets in between.
 */
export class InProcessDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(readonly subgraph: LocalSubgraph) {}

  async process(options: ProcessOptions): Promise<FormattedExecutionResult> {
    const { request, context } = options;
    if (!request.query) throw new Error('a subgraph fetch without a query');
    const caller = (context as Partial<GatewayContext> | undefined)?.caller ?? NO_CALLER;
    try {
      return await this.subgraph.execute({ query: request.query, variables: request.variables, operationName: request.operationName }, caller);
    } catch {
      // The subgraph could not run the fetch at all (it is stopping, or not started).
      return unavailableAnswer(request, 'document' in options ? options.document : undefined);
    }
  }
}
