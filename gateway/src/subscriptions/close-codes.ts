/**
 * Close codes of the gateway's WebSocket, besides graphql-ws's own (4400 bad request, 4403
 * forbidden, 4408 connection_init timeout, …) and 1009 (message too big). Each tells a client
 * what to do next.
 */
export const CloseCode = {
  /** The access token in connectionParams.authorization is not valid: sign in again. */
  Unauthorized: 4401,
  /** The access token expired while connected: refresh the session and reconnect. */
  AccessTokenExpired: 4419,
  /** This user already holds the most connections allowed: close one first. */
  TooManyConnections: 4430,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
