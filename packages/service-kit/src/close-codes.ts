// No imports: the benchmarks' plain servers and the tests read this module without loading
// GraphQL.

/**
 * Every WebSocket close code of the API, defined once: the WebSocket standard's (RFC 6455),
 * those of the graphql-transport-ws protocol (the same numbers as graphql-ws's own `CloseCode`)
 * and the gateway's own. The gateway closes clients' sockets with them; community's
 * subscription endpoint closes the gateway's socket with them. Each tells a client what to do
 * next; README.md ("Close codes") lists every one, checked by a test.
 */
export const CloseCode = {
  /** Standard: a normal end (the gateway ends its own idle sockets to subgraphs with it). */
  NormalClosure: 1000,
  /**
   * Standard (going away): the gateway is shutting down, reconnect and another process answers;
   * or community's subscription endpoint is, and the gateway interrupts what ran on it.
   */
  GoingAway: 1001,
  /** Standard: the connection was lost without a close frame (never sent, only observed). */
  AbnormalClosure: 1006,
  /**
   * Standard (policy violation): the client fell more than the unsent-bytes limit behind;
   * reconnect and resubscribe (with afterSequence to resume).
   */
  TooSlowToReceive: 1008,
  /** Standard: a message larger than the limit (sent by the WebSocket library itself). */
  MessageTooBig: 1009,
  /** Standard: an unexpected failure of the gateway; logged with its cause, never sent. */
  InternalError: 1011,

  /** Protocol: a message that is not valid JSON or not a valid protocol message. */
  BadRequest: 4400,
  /**
   * Protocol: `connection_init` refused. A subgraph's subscription endpoint closes a socket
   * with it when the gateway's credentials (a caller token for that subgraph) are missing or
   * not valid: only the gateway connects there.
   */
  Forbidden: 4403,
  /**
   * Protocol: `subscribe` before the connection was acknowledged; the gateway also uses it for
   * an access token in connectionParams.authorization that is not valid: sign in again.
   */
  Unauthorized: 4401,
  /** Protocol: the client did not offer the `graphql-transport-ws` subprotocol. */
  SubprotocolNotAcceptable: 4406,
  /** Protocol: no `connection_init` within the time allowed. */
  ConnectionInitialisationTimeout: 4408,
  /** Protocol: a `subscribe` whose id is already in use on this socket. */
  SubscriberAlreadyExists: 4409,
  /** Protocol: a second `connection_init`. */
  TooManyInitialisationRequests: 4429,

  /** The access token expired while connected: refresh the session and reconnect. */
  AccessTokenExpired: 4419,
  /** This user already holds the most connections allowed (per gateway process): close one first. */
  TooManyConnections: 4430,
  /**
   * This client address already holds the most connections without an access token allowed:
   * sign in (connectionParams.authorization) or close one first.
   */
  TooManyAnonymousConnectionsFromAddress: 4431,
  /** The gateway process holds the most connections without an access token it allows: sign in, or retry later. */
  TooManyAnonymousConnections: 4432,
  /** A connection without an access token ran no subscription for the idle period: reconnect when there is one to run. */
  AnonymousIdle: 4433,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
