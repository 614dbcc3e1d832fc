import { RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { CALLER_HEADER, ErrorCode, sendTraceContext, type Logger, type RequestCaller, type SubgraphRequest } from '@academy/service-kit';
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

/**
 * One pooled keep-alive HTTP client for all subgraph traffic: connections are reused across
 * requests instead of opened per fetch.
 *
 * Its fetcher is undici's dispatcher behind the few members of a fetch Response that the data
 * sources read, not a fetch implementation: on the path of every fetch of every query plan, the
 * web-streams machinery of fetch cost more CPU than the rest of the request.
 */
export function createSubgraphFetcher(options: { connections: number; timeoutMs: number }) {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    pipelining: 1,
  });
  const fetcher = (async (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => {
    const target = new URL(url);
    const response = await agent.request({
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
  }) as unknown as Fetcher;
  return { fetcher, close: () => agent.close() };
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
