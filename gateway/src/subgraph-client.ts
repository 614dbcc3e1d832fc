import { RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { CALLER_HEADER, type RequestCaller, type SubgraphRequest } from '@academy/service-kit';
import type { FormattedExecutionResult } from 'graphql';
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

/**
 * A subgraph data source that sends the caller the gateway signed for this subgraph (and
 * nothing the client sent), and the request id so logs of one request can be joined.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    /** The subgraph's name: its caller tokens are signed for it alone. */
    readonly subgraphName: string,
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
  ) {
    super(config);
  }

  override async willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    const headers = request.http?.headers;
    if (!headers || !context?.callerTokens) return;
    headers.set(CALLER_HEADER, await context.callerTokens.for(this.subgraphName));
    headers.set('x-request-id', context.requestId);
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

  async process({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<FormattedExecutionResult> {
    if (!request.query) throw new Error('a subgraph fetch without a query');
    const caller = (context as Partial<GatewayContext> | undefined)?.caller ?? NO_CALLER;
    return this.subgraph.execute({ query: request.query, variables: request.variables, operationName: request.operationName }, caller);
  }
}
