import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { Agent, fetch as undiciFetch } from 'undici';
import { CALLER_HEADER } from '@academy/service-kit';
import type { GatewayContext } from './context.js';

/**
 * One pooled keep-alive HTTP client for all subgraph traffic: connections are reused across
 * requests instead of opened per fetch.
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
  const fetcher = ((url: string, init?: Parameters<Fetcher>[1]) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as Fetcher;
  return { fetcher, close: () => agent.close() };
}

/**
 * A subgraph data source that sends the caller the gateway signed (and nothing the client
 * sent), and the request id so logs of one request can be joined.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    const headers = request.http?.headers;
    if (!headers || !context?.callerToken) return;
    headers.set(CALLER_HEADER, context.callerToken);
    headers.set('x-request-id', context.requestId);
  }
}
