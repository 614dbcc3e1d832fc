import { CheckedDocuments, CloseCode, createErrorFormatter, ErrorCode, RequestErrorCode, type Logger, type RequestCaller } from '@academy/service-kit';
import { GraphQLError, getOperationAST, Kind, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { bearerToken, type AccessTokenVerifier, type VerifiedAccess } from '../access-token.js';
import type { OperationLimits } from '../limits/index.js';
import { findNulCharacter } from '../client-errors.js';
import { subscriptionDocument, type PersistedOperationSettings } from '../persisted-operations.js';
import { asGraphQLError, type ClientResult, type SubscriptionEngine } from './engine.js';
import type { SubscriptionPlanner } from './planner.js';
import { parseClientMessage, serverMessage, SUBPROTOCOL, type SubscribePayload } from './protocol.js';

export interface SubscriptionLimits {
  /** How long a client has to send connection_init. */
  initTimeoutMs: number;
  maxSubscriptionsPerConnection: number;
  /** Sockets one user may hold in this process. */
  maxConnectionsPerUser: number;
  /** Sockets acknowledged without an access token that one client address may hold in this process. */
  maxAnonymousConnectionsPerAddress: number;
  /** Sockets acknowledged without an access token that this process holds at most. */
  maxAnonymousConnections: number;
  /** How long a socket without an access token may run no subscription before it is closed. */
  anonymousIdleTimeoutMs: number;
  /** Largest message a client may send; larger ones close the socket (CloseCode.MessageTooBig). */
  maxMessageBytes: number;
  /** Unsent output past which a client is not keeping up: it is disconnected (it resumes by sequence). */
  maxBufferedBytes: number;
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
  /** The operation limits, the same as over HTTP: each subscription's document is held to them. */
  operationLimits: OperationLimits;
  /** Subscriptions named by a manifest hash, and in `require` mode only those; default: every document as sent. */
  persisted?: PersistedOperationSettings;
  /** How errors are shown to clients; default: service-kit's masking formatter. */
  formatError?: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

const badRequest = (message: string, code: string = ErrorCode.BAD_USER_INPUT) => new GraphQLError(message, { extensions: { code } });

/** graphql-js's error (its message and where in the document) with the code that tells the client what kind it is. */
const withCode = (code: string) => (error: GraphQLError) =>
  new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });

/** Why no operation of `document` can be run (getOperationAST found none). */
function noOperation(document: DocumentNode, operationName: string | undefined): GraphQLError {
  if (operationName !== undefined) return badRequest(`The document has no operation named "${operationName}".`);
  const count = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
  return badRequest(count > 1 ? 'The document holds several operations: name the one to run (operationName).' : 'The document holds no operation to run.');
}

/** How many sockets each key (a user, a client address) holds, and how many in all. */
class Holdings {
  readonly #byKey = new Map<string, number>();
  total = 0;

  of(key: string): number {
    return this.#byKey.get(key) ?? 0;
  }

  add(key: string): void {
    this.#byKey.set(key, this.of(key) + 1);
    this.total += 1;
  }

  release(key: string): void {
    const left = this.of(key) - 1;
    if (left <= 0) this.#byKey.delete(key);
    else this.#byKey.set(key, left);
    this.total -= 1;
  }
}

/**
 * Keep-alive pings go out in this many slices per interval, each socket in its own slice: a
 * gateway holding 10,000 sockets then writes 500 pings at a time instead of 10,000 in one tick,
 * which held up every delivery under way for the length of that loop (and made every client
 * answer at once).
 */
const KEEP_ALIVE_SLICES = 20;

/**
 * Results shared by many subscribers (the engine shares per-event work) are serialised once:
 * each subscriber's message is then its id around the same JSON.
 */
const serialised = new WeakMap<ClientResult, string>();
function jsonOf(result: ClientResult): string {
  let json = serialised.get(result);
  if (json === undefined) serialised.set(result, (json = JSON.stringify(result)));
  return json;
}

/**
 * GraphQL over WebSocket (`graphql-transport-ws`, the protocol of graphql-ws's clients) on the
 * gateway's own port and path. Clients authenticate once with connectionParams.authorization
 * ("Bearer <access token>"), then subscribe to any subscription of the supergraph; the engine
 * runs each through the federation.
 *
 * The protocol is served here rather than by a general-purpose server because a gateway holds
 * tens of thousands of these sockets: each costs one small object and one entry per
 * subscription, and a result shared by a room's subscribers is serialised once.
 */
export function attachSubscriptionServer(options: SubscriptionServerOptions) {
  const { limits, logger } = options;
  // The WebSocket path does not pass through Apollo Server's formatError: mask here alike.
  const formatError = options.formatError ?? createErrorFormatter(logger);
  const masked = (error: unknown) => {
    const graphqlError = error instanceof GraphQLError ? error : new GraphQLError('Internal server error', { originalError: error as Error });
    return asGraphQLError(formatError(graphqlError.toJSON(), graphqlError));
  };
  // A client's mistake carries the code it would have over HTTP: the document could not be
  // read, or it does not fit the schema.
  const documents = new CheckedDocuments(
    options.planner.apiGraphQLSchema,
    (error) =>
      error instanceof GraphQLError
        ? withCode(RequestErrorCode.GRAPHQL_PARSE_FAILED)(error)
        : badRequest('The query could not be read as GraphQL.', RequestErrorCode.GRAPHQL_PARSE_FAILED),
    1_000,
    (errors) => errors.map(withCode(RequestErrorCode.GRAPHQL_VALIDATION_FAILED)),
  );
  const connections = new Set<Connection>();
  /** The same sockets by keep-alive slice; a new socket joins the next slice in turn. */
  const slices = Array.from({ length: KEEP_ALIVE_SLICES }, () => new Set<Connection>());
  let nextSlice = 0;

  const context: ConnectionContext = {
    options,
    documents,
    masked,
    users: new Holdings(),
    anonymous: new Holdings(),
    onClosed: (connection) => {
      connections.delete(connection);
      for (const slice of slices) slice.delete(connection);
    },
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    // The protocol's subprotocol when offered. Otherwise the handshake still completes (with the
    // client's first choice) so that the client learns why it is then closed (SubprotocolNotAcceptable).
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : (protocols.values().next().value ?? false)),
  });
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '/').split('?')[0] !== options.path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(ws, options.clientAddress(req), context);
      // A client refused at once (wrong subprotocol) is already closed: nothing to keep.
      if (connection.closed) return;
      connections.add(connection);
      slices[nextSlice]!.add(connection);
      nextSlice = (nextSlice + 1) % KEEP_ALIVE_SLICES;
    });
  };
  options.httpServer.on('upgrade', upgrade);

  // Each socket is pinged once per keepAliveMs, in its slice's turn.
  let turn = 0;
  const keepAlive =
    limits.keepAliveMs > 0
      ? setInterval(
          () => {
            for (const connection of slices[turn]!) connection.ping();
            turn = (turn + 1) % KEEP_ALIVE_SLICES;
          },
          Math.max(1, Math.round(limits.keepAliveMs / KEEP_ALIVE_SLICES)),
        )
      : null;
  keepAlive?.unref();

  return {
    /** The sockets open now, and the subscriptions running on them (for the metrics). */
    counts(): { sockets: number; subscriptions: number } {
      let subscriptions = 0;
      for (const connection of connections) subscriptions += connection.subscriptionCount;
      return { sockets: connections.size, subscriptions };
    },
    /** Closes every socket (going away) and stops accepting new ones. */
    async close(): Promise<void> {
      options.httpServer.off('upgrade', upgrade);
      if (keepAlive) clearInterval(keepAlive);
      for (const connection of connections) connection.close(CloseCode.GoingAway, 'The gateway is shutting down.');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      logger.debug('subscription server closed');
    },
  };
}

/** What every connection shares. */
interface ConnectionContext {
  options: SubscriptionServerOptions;
  documents: CheckedDocuments;
  masked: (error: unknown) => GraphQLError;
  /** Acknowledged sockets with an access token, by user id. */
  users: Holdings;
  /** Acknowledged sockets without one, by client address. */
  anonymous: Holdings;
  onClosed: (connection: Connection) => void;
}

/** One client's socket: its state through the protocol, its viewer and its subscriptions. */
class Connection {
  #state: 'waiting' | 'initialising' | 'ready' | 'closed' = 'waiting';
  #access: VerifiedAccess | null = null;
  /** Where this socket is counted once acknowledged: its user's or its address's holdings. */
  #held: { holdings: Holdings; key: string } | null = null;
  /** Before the ack: the connection_init deadline; then the token's expiry, or (anonymous) the idle deadline. */
  #timer: NodeJS.Timeout | null;
  /** The running subscriptions by id; `stop` is null while one is starting. */
  readonly #subscriptions = new Map<string, { stop: (() => void) | null }>();
  #awaitingPong = false;
  /** The connection's lines carry its own id (each subscription's, its request id as well). */
  readonly #logger: Logger;

  constructor(
    private readonly ws: WebSocket,
    private readonly clientAddress: string | null,
    private readonly shared: ConnectionContext,
  ) {
    this.#logger = shared.options.logger.child({ connectionId: randomUUID() });
    if (ws.protocol !== SUBPROTOCOL) {
      this.close(CloseCode.SubprotocolNotAcceptable, 'Subprotocol not acceptable');
      this.#timer = null;
      return;
    }
    this.#timer = setTimeout(() => {
      if (this.#state === 'waiting' || this.#state === 'initialising') this.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
    }, shared.options.limits.initTimeoutMs);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.close(CloseCode.BadRequest, 'Binary messages are not part of the protocol');
      void this.#receive(String(data)).catch((error: unknown) => {
        this.#logger.error('subscription socket failed', { err: error });
        this.close(CloseCode.InternalError, 'Internal server error');
      });
    });
    ws.on('pong', () => (this.#awaitingPong = false));
    ws.on('error', () => this.#closed());
    ws.on('close', () => this.#closed());
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  /** Subscriptions running (or starting) on this socket. */
  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  /** Keep-alive: a socket that did not answer the previous ping is dropped. */
  ping(): void {
    if (this.#state === 'closed' || this.ws.readyState !== this.ws.OPEN) return;
    if (this.#awaitingPong) {
      this.ws.terminate();
      return;
    }
    this.#awaitingPong = true;
    this.ws.ping();
  }

  close(code: CloseCode, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
    this.#closed();
  }

  #send(message: string): void {
    if (this.#state === 'closed' || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.shared.options.limits.maxBufferedBytes) {
      this.#logger.info('disconnected a client too slow to receive', { clientAddress: this.clientAddress, unsentBytes: this.ws.bufferedAmount });
      this.close(CloseCode.TooSlowToReceive, 'Too slow to receive: reconnect and resubscribe (with afterSequence to resume).');
      return;
    }
    this.ws.send(message);
  }

  async #receive(data: string): Promise<void> {
    if (this.#state === 'closed') return;
    const message = parseClientMessage(data);
    if (typeof message === 'string') return this.close(CloseCode.BadRequest, message);
    switch (message.type) {
      case 'connection_init':
        if (this.#state !== 'waiting') return this.close(CloseCode.TooManyInitialisationRequests, 'Too many initialisation requests');
        this.#state = 'initialising';
        return this.#initialise(message.payload ?? {});
      case 'ping':
        return this.#send(serverMessage.pong());
      case 'pong':
        return;
      case 'subscribe':
        if (this.#state !== 'ready') return this.close(CloseCode.Unauthorized, 'Unauthorized');
        if (this.#subscriptions.has(message.id)) return this.close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${message.id} already exists`);
        return this.#subscribe(message.id, message.payload);
      case 'complete': {
        const running = this.#subscriptions.get(message.id);
        if (!running) return;
        this.#subscriptions.delete(message.id);
        running.stop?.();
        this.#watchIdle();
        return;
      }
    }
  }

  async #initialise(params: Record<string, unknown>): Promise<void> {
    const { verifier, limits } = this.shared.options;
    const authorization = params.authorization;
    let access: VerifiedAccess | null = null;
    try {
      if (authorization !== undefined && typeof authorization !== 'string') throw new Error('authorization must be a string');
      const token = typeof authorization === 'string' ? bearerToken(authorization) : undefined;
      if (token !== undefined) access = await verifier.verify(token);
    } catch (error) {
      this.close(CloseCode.Unauthorized, error instanceof GraphQLError ? error.message : 'The access token is not valid.');
      return;
    }
    if (this.#state === 'closed') return;
    const { users, anonymous } = this.shared;
    if (access) {
      const { userId } = access.viewer;
      if (users.of(userId) >= limits.maxConnectionsPerUser) {
        this.close(CloseCode.TooManyConnections, `At most ${limits.maxConnectionsPerUser} connections per user.`);
        return;
      }
      users.add(userId);
      this.#held = { holdings: users, key: userId };
      this.#access = access;
    } else {
      // Nobody vouches for an anonymous socket: its address, and the process, hold only so many.
      const address = this.clientAddress ?? '';
      if (anonymous.of(address) >= limits.maxAnonymousConnectionsPerAddress) {
        this.close(CloseCode.TooManyAnonymousConnectionsFromAddress, `At most ${limits.maxAnonymousConnectionsPerAddress} connections without an access token per address: sign in, or close one.`);
        return;
      }
      if (anonymous.total >= limits.maxAnonymousConnections) {
        this.close(CloseCode.TooManyAnonymousConnections, 'Too many connections without an access token: sign in, or retry later.');
        return;
      }
      anonymous.add(address);
      this.#held = { holdings: anonymous, key: address };
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = access
      ? setTimeout(() => this.close(CloseCode.AccessTokenExpired, 'The access token expired: refresh and reconnect.'), Math.max(0, access.expiresAt.getTime() - Date.now()))
      : null;
    this.#state = 'ready';
    this.#send(serverMessage.ack());
    this.#watchIdle();
  }

  /**
   * An anonymous socket is closed once it has run no subscription for the idle period. Called
   * whenever its running subscriptions change; a refused subscribe changes nothing, so it does
   * not keep a socket open.
   */
  #watchIdle(): void {
    if (this.#access || this.#state !== 'ready') return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer =
      this.#subscriptions.size > 0
        ? null
        : setTimeout(
            () => this.close(CloseCode.AnonymousIdle, 'No subscription ran on this connection without an access token for too long.'),
            this.shared.options.limits.anonymousIdleTimeoutMs,
          );
  }

  async #subscribe(id: string, payload: SubscribePayload): Promise<void> {
    const { planner, limits, engine } = this.shared.options;
    // A refusal is the client's mistake (or a limit), with its code: not a server fault.
    const refuse = (errors: readonly GraphQLError[]) => {
      const sent = errors.map((e) => this.shared.masked(e).toJSON());
      this.#logger.debug('subscription refused', { subscriptionId: id, codes: sent.map((e) => e.extensions?.code) });
      this.#send(serverMessage.error(id, sent));
    };
    // A partner client may be held to fewer by its grants.
    const maxSubscriptions = Math.min(limits.maxSubscriptionsPerConnection, this.#access?.viewer.grants?.maxSubscriptions ?? Infinity);
    if (this.#subscriptions.size >= maxSubscriptions) {
      return refuse([badRequest(`At most ${maxSubscriptions} subscriptions per connection.`, ErrorCode.RATE_LIMITED)]);
    }
    const { operationLimits, persisted } = this.shared.options;
    const resolved = persisted ? subscriptionDocument(persisted, payload) : { query: payload.query };
    if ('refused' in resolved) return refuse([resolved.refused]);
    const tooLong = operationLimits.checkTokens(resolved.query);
    if (tooLong.length > 0) return refuse(tooLong);
    const checked = this.shared.documents.get(resolved.query);
    if (checked.errors) return refuse(checked.errors);
    const { document } = checked;
    const overLimits = operationLimits.check({ document, operationName: payload.operationName, variables: payload.variables });
    if (overLimits.length > 0) return refuse(overLimits);
    const nul = findNulCharacter(document, payload.variables ?? undefined);
    if (nul) return refuse([new GraphQLError(nul.message, { nodes: nul.nodes, extensions: { code: ErrorCode.BAD_USER_INPUT } })]);
    const operationName = payload.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) return refuse([noOperation(document, operationName)]);
    if (operation.operation !== 'subscription') {
      return refuse([badRequest('Queries and mutations go over HTTP (POST /graphql); this socket carries subscriptions.')]);
    }
    const schema = planner.apiGraphQLSchema;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (coerced.errors) return refuse(coerced.errors.map(withCode(ErrorCode.BAD_USER_INPUT)));
    const caller: RequestCaller = { viewer: this.#access?.viewer ?? null, clientAddress: this.clientAddress, requestId: randomUUID() };
    // One request id per subscription: passed to the subgraphs with every fetch, and on its lines.
    const logger = this.#logger.child({ subscriptionId: id, requestId: caller.requestId });
    logger.debug('subscription started', { operationName: operationName ?? null });

    // The client may complete it, or close the socket, while it starts: the slot tells.
    const slot: { stop: (() => void) | null } = { stop: null };
    const current = () => this.#subscriptions.get(id) === slot;
    this.#subscriptions.set(id, slot);
    this.#watchIdle();
    let stop: () => void;
    try {
      stop = await engine.start(
        { document, operationName, variables: coerced.coerced, caller, logger },
        {
          next: (result) => {
            if (current()) this.#send(serverMessage.next(id, jsonOf(result)));
          },
          complete: () => {
            if (!current()) return;
            this.#subscriptions.delete(id);
            this.#send(serverMessage.complete(id));
            this.#watchIdle();
          },
        },
      );
    } catch (error) {
      if (current()) {
        this.#subscriptions.delete(id);
        refuse([error instanceof GraphQLError ? error : this.shared.masked(error)]);
        this.#watchIdle();
      }
      return;
    }
    if (current()) slot.stop = stop;
    else stop();
  }

  #closed(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#timer) clearTimeout(this.#timer);
    for (const running of this.#subscriptions.values()) running.stop?.();
    this.#subscriptions.clear();
    if (this.#held) this.#held.holdings.release(this.#held.key);
    this.#held = null;
    this.shared.onClosed(this);
  }
}
