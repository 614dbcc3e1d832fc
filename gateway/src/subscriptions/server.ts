import { CheckedDocuments, createErrorFormatter, type Logger, type RequestCaller } from '@academy/service-kit';
import { GraphQLError, getOperationAST } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { bearerToken, type AccessTokenVerifier, type VerifiedAccess } from '../access-token.js';
import { CloseCode } from './close-codes.js';
import { asGraphQLError, type SubscriptionEngine } from './engine.js';
import type { SubscriptionPlanner } from './planner.js';

export interface SubscriptionLimits {
  /** How long a client has to send connection_init. */
  initTimeoutMs: number;
  maxSubscriptionsPerConnection: number;
  maxConnectionsPerUser: number;
  /** Largest message a client may send; larger ones close the socket (1009). */
  maxMessageBytes: number;
  /** Ping interval; 0 turns keep-alive off. */
  keepAliveMs: number;
}

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  planner: SubscriptionPlanner;
  engine: SubscriptionEngine;
  verifier: AccessTokenVerifier;
  limits: SubscriptionLimits;
  clientAddress: (req: IncomingMessage) => string | null;
  logger: Logger;
}

/** What the gateway keeps of each connection. */
type Connection = {
  access?: VerifiedAccess | null;
  /** Read from the upgrade request once; the request itself is not kept. */
  clientAddress?: string | null;
  expiry?: NodeJS.Timeout;
};

const badRequest = (message: string, code = 'BAD_USER_INPUT') => new GraphQLError(message, { extensions: { code } });

/**
 * graphql-ws on the gateway's own port and path: clients authenticate once with
 * connectionParams.authorization ("Bearer <access token>"), then subscribe to any
 * subscription of the supergraph; the engine runs each through the federation.
 */
export function attachSubscriptionServer(options: SubscriptionServerOptions) {
  const { limits, logger } = options;
  // The WebSocket path does not pass through Apollo Server's formatError: mask here alike.
  const formatError = createErrorFormatter(logger);
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const upgrade = (req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    if ((req.url ?? '/').split('?')[0] !== options.path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.httpServer.on('upgrade', upgrade);
  const connectionsPerUser = new Map<string, number>();
  const release = (userId: string) => {
    const left = (connectionsPerUser.get(userId) ?? 1) - 1;
    if (left <= 0) connectionsPerUser.delete(userId);
    else connectionsPerUser.set(userId, left);
  };

  const documents = new CheckedDocuments(options.planner.apiGraphQLSchema, (error) =>
    error instanceof GraphQLError ? error : badRequest('The query is not valid GraphQL.'),
  );
  const server = useServer<Record<string, unknown> | undefined, Connection>(
    {
      connectionInitWaitTimeout: limits.initTimeoutMs,
      async onConnect(ctx) {
        const socket = ctx.extra.socket;
        const authorization = ctx.connectionParams?.authorization;
        let access: VerifiedAccess | null = null;
        try {
          const token = typeof authorization === 'string' ? bearerToken(authorization) : undefined;
          if (authorization !== undefined && typeof authorization !== 'string') throw new Error('authorization must be a string');
          if (token !== undefined) access = await options.verifier.verify(token);
        } catch (error) {
          socket.close(CloseCode.Unauthorized, error instanceof GraphQLError ? error.message : 'The access token is not valid.');
          return false;
        }
        if (access) {
          const { userId } = access.viewer;
          const held = connectionsPerUser.get(userId) ?? 0;
          if (held >= limits.maxConnectionsPerUser) {
            socket.close(CloseCode.TooManyConnections, `At most ${limits.maxConnectionsPerUser} connections per user.`);
            return false;
          }
          connectionsPerUser.set(userId, held + 1);
          const ttl = access.expiresAt.getTime() - Date.now();
          ctx.extra.expiry = setTimeout(() => socket.close(CloseCode.AccessTokenExpired, 'The access token expired: refresh and reconnect.'), Math.max(0, ttl));
        }
        ctx.extra.access = access;
        // A connection lives for hours: keep what is needed of the upgrade request and of the
        // connection parameters (the token), not the objects (a few KB each, times every socket).
        ctx.extra.clientAddress = options.clientAddress(ctx.extra.request);
        (ctx.extra as { request?: IncomingMessage }).request = undefined;
        (ctx as { connectionParams?: unknown }).connectionParams = undefined;
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        const schema = options.planner.apiGraphQLSchema;
        const checked = documents.get(payload.query);
        if (checked.errors) return checked.errors;
        const { document } = checked;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [badRequest('Name the operation to run (operationName).')];
        if (operation.operation !== 'subscription') {
          return [badRequest('Queries and mutations go over HTTP (POST /graphql); this socket carries subscriptions.')];
        }
        if (!schema.getSubscriptionType()) return [badRequest('This API has no subscriptions.')];
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [badRequest(`At most ${limits.maxSubscriptionsPerConnection} subscriptions per connection.`, 'RATE_LIMITED')];
        }
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
        if (coerced.errors) return coerced.errors;
        const caller: RequestCaller = {
          viewer: ctx.extra.access?.viewer ?? null,
          clientAddress: ctx.extra.clientAddress ?? null,
          requestId: randomUUID(),
        };
        return {
          schema,
          document,
          operationName: payload.operationName ?? undefined,
          variableValues: coerced.coerced,
          contextValue: caller,
        };
      },
      subscribe: (args) =>
        options.engine
          .start({
            document: args.document,
            operationName: args.operationName ?? undefined,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            caller: args.contextValue as RequestCaller,
          })
          .catch((error: unknown) => {
            const graphqlError = error instanceof GraphQLError ? error : new GraphQLError('Internal server error', { originalError: error as Error });
            return { errors: [asGraphQLError(formatError(graphqlError.toJSON(), graphqlError))] };
          }) as never,
      execute: () => ({ errors: [badRequest('Queries and mutations go over HTTP (POST /graphql).')] }),
      onClose(ctx) {
        clearTimeout(ctx.extra.expiry);
        if (ctx.extra.access) release(ctx.extra.access.viewer.userId);
      },
    },
    wss,
    limits.keepAliveMs || undefined,
  );

  return {
    /** Closes every socket (1001, going away) and stops accepting new ones. */
    async close(): Promise<void> {
      options.httpServer.off('upgrade', upgrade);
      for (const client of wss.clients) client.close(1001, 'The gateway is shutting down.');
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      logger.debug('subscription server closed');
    },
  };
}

