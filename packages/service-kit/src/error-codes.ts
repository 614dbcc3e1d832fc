// No imports: the benchmarks' plain servers and the tests read this module without loading
// GraphQL. Every code here is listed in README.md ("Error codes"), checked by a test.

/** The error codes of the public contract, carried in `extensions.code`. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  /** The operation needs a payment first (e.g. enrolling in a priced course): check out with commerce. */
  PAYMENT_REQUIRED: 'PAYMENT_REQUIRED',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A running subscription ended because its source was lost: subscribe again (with afterSequence to resume). */
  SUBSCRIPTION_INTERRUPTED: 'SUBSCRIPTION_INTERRUPTED',
  /** The database (or another dependency) cannot be reached right now: retry shortly. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** The request would take more than a subgraph allows itself (time, answer size, memory): ask for less. */
  RESOURCE_LIMIT_EXCEEDED: 'RESOURCE_LIMIT_EXCEEDED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes of operations the gateway refuses before planning them (HTTP 400, or a graphql-ws
 * `error` frame): one per limit, so that a client knows which one it met.
 */
export const OperationLimitCode = {
  COST_LIMIT_EXCEEDED: 'COST_LIMIT_EXCEEDED',
  DEPTH_LIMIT_EXCEEDED: 'DEPTH_LIMIT_EXCEEDED',
  ALIAS_LIMIT_EXCEEDED: 'ALIAS_LIMIT_EXCEEDED',
  DIRECTIVE_LIMIT_EXCEEDED: 'DIRECTIVE_LIMIT_EXCEEDED',
  TOKEN_LIMIT_EXCEEDED: 'TOKEN_LIMIT_EXCEEDED',
} as const;
export type OperationLimitCode = (typeof OperationLimitCode)[keyof typeof OperationLimitCode];

/**
 * Codes Apollo Server gives to malformed requests (and the gateway's WebSocket alike), and the
 * gateway's refusals of operations outside its manifest of persisted operations; safe to show as they are.
 */
export const RequestErrorCode = {
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  BAD_REQUEST: 'BAD_REQUEST',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** PERSISTED_OPERATIONS=require, and the request carries a document's text instead of a manifest hash. */
  PERSISTED_OPERATION_REQUIRED: 'PERSISTED_OPERATION_REQUIRED',
  /** PERSISTED_OPERATIONS=require, and no operation of the manifest has the hash the request names. */
  PERSISTED_OPERATION_NOT_FOUND: 'PERSISTED_OPERATION_NOT_FOUND',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
} as const;
export type RequestErrorCode = (typeof RequestErrorCode)[keyof typeof RequestErrorCode];
