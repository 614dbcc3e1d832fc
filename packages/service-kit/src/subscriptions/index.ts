// The graphql-ws endpoint of a subgraph that owns subscription fields (community, ai-analytics):
// only the gateway connects, multiplexing its subscribers, each signed like an HTTP request.
import { CallerTokenError, CheckedDocuments, createErrorFormatter, ErrorCode, RequestErrorCode, SharedSubscriptions, requestLogger, verifyCallerToken, type Logger, type RequestCaller } from '../index.js';
import { GraphQLError, getOperationAST, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** Where the subgraph serves subscriptions: the same path as queries, over a WebSocket upgrade. */
export const SUBSCRIPTIONS_PATH = '/graphql';

/** What the subscription endpoint serves, and for whom. */
export interface SubscriptionServerOptions<C> {
  httpServer: Server;
  /** The federated schema, so the gateway can select `__typename` and key fields. */
  schema: GraphQLSchema;
  /** Shared with the gateway, which signs the connection and each subscriber with it. */
  gatewaySecret: string;
  /** This subgraph's name: only tokens the gateway signed for it are accepted. */
  subgraphName: string;
  /**
   * Builds the context of one subscription for the subscriber the gateway vouched for; `logger`
   * is the subscription's own (its request id, from the caller token, on every line).
   */
  context: (caller: RequestCaller, logger: Logger) => C;
  logger: Logger;
  /** How often the server pings each socket (and drops it when no pong comes back). Default 12 s. */
  keepAliveMs?: number;
}

/** The graphql-ws endpoint of a subgraph. */
export interface SubscriptionServer {
  /** Closes every socket (CloseCode.GoingAway) and stops accepting new ones. */
  close(): Promise<void>;
}

/** How long sockets get to answer the close handshake before they are cut. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The gateway multiplexes every subscriber on one socket, so one message to a room of 500 is
 * 500 frames on it in the same tick. Holding the socket's writes until the tick ends sends
 * them in one system call instead of 500.
 */
function coalesceWrites(ws: WebSocket, socket: Duplex): void {
  const send = ws.send.bind(ws);
  let held = false;
  ws.send = ((...args: Parameters<WebSocket['send']>) => {
    if (!held) {
      held = true;
      socket.cork();
      process.nextTick(() => {
        held = false;
        socket.uncork();
      });
    }
    send(...args);
  }) as WebSocket['send'];
}

function refused(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/**
 * Serves subscriptions with graphql-ws on the subgraph's HTTP server. Only the gateway
 * connects: its `connection_init` payload carries `{ gateway: <caller token> }`, without which
 * the socket is closed with CloseCode.Forbidden (graphql-ws's own choice). The gateway multiplexes its subscribers on one socket, each
 * `subscribe` carrying its subscriber in `payload.extensions.caller` (a signed caller token),
 * whose viewer becomes that subscription's viewer.
 */
export function createSubscriptionServer<C>(options: SubscriptionServerOptions<C>): SubscriptionServer {
  const { schema, gatewaySecret, subgraphName, logger } = options;
  const formatError = createErrorFormatter(logger, { databaseErrors: true });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  // The gateway sends each subscriber's copy of the same few documents: parsed and validated once.
  const documents = new CheckedDocuments(schema, (error) => refused((error as Error).message, RequestErrorCode.GRAPHQL_PARSE_FAILED), 1_000, (errors) =>
    errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED } })),
  );
  const shared = new SharedSubscriptions();
  const server = useServer(
    {
      schema,
      subscribe: (args) => shared.subscribe(args),
      // Decided here, not from NODE_ENV: close reasons never carry internal messages.
      isProd: true,
      async onConnect(ctx) {
        const token = ctx.connectionParams?.gateway;
        try {
          await verifyCallerToken(typeof token === 'string' ? token : undefined, gatewaySecret, subgraphName);
          return true;
        } catch (error) {
          logger.warn('refused a subscription connection without gateway credentials', {
            reason: error instanceof CallerTokenError ? error.message : 'invalid gateway credentials',
          });
          return false;
        }
      },
      async onSubscribe(_ctx, id, payload) {
        const token = payload.extensions?.caller;
        let caller: RequestCaller;
        try {
          caller = await verifyCallerToken(typeof token === 'string' ? token : undefined, gatewaySecret, subgraphName);
        } catch (error) {
          const reason = error instanceof CallerTokenError ? error.message : 'invalid gateway credentials';
          return [refused(`Refused: ${reason} for this subscriber.`, ErrorCode.UNAUTHENTICATED)];
        }
        const checked = documents.get(payload.query);
        if (checked.errors) return [...checked.errors];
        const { document } = checked;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [refused('The document names no operation to run.', RequestErrorCode.BAD_REQUEST)];
        if (operation.operation !== 'subscription') {
          return [refused('Only subscriptions are served over WebSocket; send queries and mutations over HTTP.', RequestErrorCode.BAD_REQUEST)];
        }
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.context(caller, caller.requestId ? requestLogger(options.logger, caller.requestId, { subscriptionId: id }) : options.logger),
        };
      },
      // The WebSocket path bypasses Apollo Server's formatError: mask unexpected errors here.
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors) return;
        return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) };
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map((e) => formatError(e.toJSON(), e));
      },
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== SUBSCRIPTIONS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      coalesceWrites(ws, socket);
      wss.emit('connection', ws, req);
    });
  };
  options.httpServer.on('upgrade', onUpgrade);

  return {
    async close() {
      options.httpServer.off('upgrade', onUpgrade);
      // dispose() sends CloseCode.GoingAway to every socket and waits until all are closed; a peer that does
      // not answer the close handshake is cut after a grace period rather than after ws's 30 s.
      const force = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, CLOSE_GRACE_MS);
      try {
        await server.dispose();
      } finally {
        clearTimeout(force);
      }
    },
  };
}
