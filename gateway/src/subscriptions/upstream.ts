import { signCallerToken, type Logger } from '@academy/service-kit';
import { createClient, type Client, type Sink } from 'graphql-ws';
import type { ExecutionResult } from 'graphql';
import WebSocket from 'ws';

/** What the gateway sends a subgraph for one subscriber. */
export interface UpstreamRequest {
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  /** The subscriber, signed by the gateway (the subgraph verifies it as on HTTP). */
  callerToken: string;
}

/**
 * One graphql-ws socket per subgraph, multiplexing every subscription the gateway forwards
 * to it. The socket authenticates as the gateway; each subscription carries its own signed
 * caller, so a thousand subscribers need one socket, not a thousand.
 */
export class UpstreamSubscriptions {
  readonly #clients = new Map<string, Client>();

  constructor(
    private readonly urls: Record<string, string>,
    private readonly gatewaySecret: string,
    private readonly logger: Logger,
  ) {}

  /** Subscribes at `serviceName`; returns the function that unsubscribes. */
  subscribe(serviceName: string, request: UpstreamRequest, sink: Sink<ExecutionResult<Record<string, unknown>>>): () => void {
    return this.#client(serviceName).subscribe(
      {
        query: request.query,
        operationName: request.operationName,
        variables: request.variables,
        extensions: { caller: request.callerToken },
      },
      sink,
    );
  }

  #client(serviceName: string): Client {
    const existing = this.#clients.get(serviceName);
    if (existing) return existing;
    const httpUrl = this.urls[serviceName];
    if (!httpUrl) throw new Error(`no URL for subgraph ${serviceName}`);
    const url = new URL(httpUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const client = createClient({
      url: url.toString(),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 5_000,
      keepAlive: 15_000,
      // A lost upstream ends its subscriptions with an error: clients resubscribe from their
      // last sequence, which is exact, where a silent re-subscription here could replay twice.
      retryAttempts: 0,
      connectionParams: async () => ({
        gateway: await signCallerToken({ viewer: null, clientAddress: null, requestId: null }, this.gatewaySecret),
      }),
      on: {
        closed: (event) => {
          if (this.#clients.get(serviceName) === client) this.#clients.delete(serviceName);
          const code = (event as { code?: number } | undefined)?.code;
          if (code !== 1000) this.logger.debug('upstream subscription socket closed', { subgraph: serviceName, code });
        },
      },
    });
    this.#clients.set(serviceName, client);
    return client;
  }

  async close(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(clients.map((client) => client.dispose()));
  }
}
