import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, OperationLimitCode, RequestErrorCode } from './error-codes.js';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { requestLogger, type Logger } from './logger.js';

export { ErrorCode, OperationLimitCode, RequestErrorCode } from './error-codes.js';

const publicCodes = new Set<string>([...Object.values(ErrorCode), ...Object.values(OperationLimitCode)]);
const requestCodes = new Set<string>(Object.values(RequestErrorCode));

/** An expected failure of a domain operation, shown to the client with its code. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'DomainError';
  }
}

export const badUserInput = (message: string, field?: string) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const notFound = (message: string) => new DomainError(ErrorCode.NOT_FOUND, message);
export const conflict = (message: string) => new DomainError(ErrorCode.CONFLICT, message);
export const paymentRequired = (message: string) => new DomainError(ErrorCode.PAYMENT_REQUIRED, message);
export const forbidden = (message = 'You are not allowed to do this.') => new DomainError(ErrorCode.FORBIDDEN, message);
export const unauthenticated = (message = 'Sign in first.') => new DomainError(ErrorCode.UNAUTHENTICATED, message);

/**
 * Whether `error` is PostgreSQL (or the way to it) being unavailable: refused or lost
 * connections, a server shutting down or starting up. Such a failure is not the request's
 * fault, and the same request succeeds once the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    // 08xxx connection exceptions, 57P01-57P03 shutdown/crash/starting, 53300 too many connections.
    if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true;
  }
  if (typeof message === 'string' && /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect/i.test(message)) return true;
  // Node reports a refused connection to several addresses as an AggregateError.
  return Array.isArray(errors) && errors.some(isDatabaseUnavailable);
}

/** PostgreSQL cancelled a statement that ran past its role's statement_timeout. */
const isStatementTimeout = (error: unknown) =>
  (error as { code?: unknown })?.code === '57014' && /statement timeout/.test(String((error as { message?: unknown }).message));

/**
 * A hot standby (the analyst figures' read replica) cancelled a statement whose snapshot needed
 * rows that the primary's changes, replayed there, were removing (40001, or 40P01 for a buffer
 * deadlock). The same statement succeeds when run again.
 */
export const isRecoveryConflict = (error: unknown) =>
  ['40001', '40P01'].includes(String((error as { code?: unknown })?.code)) && /conflict with recovery/.test(String((error as { message?: unknown }).message));

/** The error a client gets when the database is unavailable. */
export const serviceUnavailable = () =>
  new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'A service this request needs cannot reach its database right now; try again in a few seconds.');

/** The error a client gets when a request exceeds one of a subgraph's own limits. */
export const resourceLimitExceeded = (message: string, limit: 'statementTimeout' | 'answerSize' | 'memory') =>
  new DomainError(ErrorCode.RESOURCE_LIMIT_EXCEEDED, message, { limit });

/** Known infrastructure failures as the client error they stand for; null for anything else. */
function infrastructureError(error: unknown): DomainError | null {
  if (isDatabaseUnavailable(error) || isRecoveryConflict(error)) return serviceUnavailable();
  if (isStatementTimeout(error)) return resourceLimitExceeded('The database took too long to answer this request; ask for less.', 'statementTimeout');
  return null;
}

/**
 * What was thrown, as the formatter classifies it. graphql-js wraps anything it does not take
 * for an Error (`instanceof Error` in its realm) as `NonErrorThrown`: a connection error from
 * Node's own sockets, seen from code loaded in another realm (a test runner's sandbox, where the
 * services also run in process), arrives that way, and its `code` is what says the database is away.
 */
function thrownValue(error: unknown): unknown {
  const wrapped = error as { name?: unknown; thrownValue?: unknown } | null;
  return wrapped?.name === 'NonErrorThrown' && wrapped.thrownValue !== undefined ? wrapped.thrownValue : error;
}

/** How often an outage is logged per formatter while it lasts. */
const OUTAGE_LOG_INTERVAL_MS = 10_000;

/** Errors already logged for their request by a formatter's plugin, with the id an unexpected one was given. */
const loggedForRequest = new WeakMap<object, { errorId?: string }>();

/** Masks errors for clients and logs the unexpected ones; see `createErrorFormatter`. */
export interface ErrorFormatter {
  (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /**
   * An Apollo Server plugin logging each error of a request that needs a line (unexpected
   * failures, limits, outages) with the request's id (`requestIdOf` reads it from the context),
   * before the formatter masks it; the formatter then reuses the line's `errorId`.
   */
  plugin<C extends BaseContext>(requestIdOf: (context: C) => string | undefined): ApolloServerPlugin<C>;
  /** What the plugin does for one request's errors, for a request served without Apollo Server's pipeline. */
  logForRequest(errors: readonly GraphQLError[], requestId: string | undefined): void;
}

/**
 * Apollo Server's formatError: errors with a code from the contract (or a request-shape code)
 * pass through; anything else is an unexpected failure, logged with the request id (by the
 * formatter's plugin; errors outside a request, such as a subscription's, are logged by the
 * formatter itself) and shown to the client only as INTERNAL_SERVER_ERROR. With
 * `databaseErrors` (in a process that talks to PostgreSQL: the subgraphs), an unavailable
 * database or a replica's recovery conflict is SERVICE_UNAVAILABLE and a statement timeout
 * RESOURCE_LIMIT_EXCEEDED.
 */
export function createErrorFormatter(logger: Logger, options: { databaseErrors?: boolean } = {}): ErrorFormatter {
  let outageLoggedAt = Number.NEGATIVE_INFINITY;
  const passes = (code: unknown) => typeof code === 'string' && (publicCodes.has(code) || requestCodes.has(code)) && code !== ErrorCode.INTERNAL_SERVER_ERROR;
  const originalOf = (error: unknown) => (error instanceof GraphQLError ? (error.originalError ?? error) : error);
  /** Writes the line an error needs, if any; answers the id given to an unexpected one. */
  const log = (error: unknown, path: GraphQLFormattedError['path'], to: Logger): { errorId?: string } => {
    const original = originalOf(error);
    const known = options.databaseErrors ? infrastructureError(thrownValue(original)) : null;
    if (known) {
      const now = Date.now();
      if (known.extensions.code !== ErrorCode.SERVICE_UNAVAILABLE) to.info('request stopped by a limit', { err: original, path });
      else if (now - outageLoggedAt >= OUTAGE_LOG_INTERVAL_MS) {
        outageLoggedAt = now;
        to.warn('database unavailable; answering SERVICE_UNAVAILABLE', { err: String((thrownValue(original) as { message?: unknown }).message) });
      }
      return {};
    }
    const errorId = crypto.randomUUID();
    to.error('unexpected error', { errorId, err: original, path });
    return { errorId };
  };
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (passes(formatted.extensions?.code)) {
      const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = originalOf(error);
    const known = options.databaseErrors ? infrastructureError(thrownValue(original)) : null;
    const logged = (error !== null && typeof error === 'object' && loggedForRequest.get(error)) || log(error, formatted.path, logger);
    if (known) return { message: known.message, locations: formatted.locations, path: formatted.path, extensions: { ...known.extensions } };
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId: logged.errorId ?? crypto.randomUUID() },
    };
  };
  const logForRequest = (errors: readonly GraphQLError[], requestId: string | undefined): void => {
    const to = requestId ? requestLogger(logger, requestId) : logger;
    for (const error of errors) {
      if (passes(error.extensions?.code) || loggedForRequest.has(error)) continue;
      loggedForRequest.set(error, log(error, error.path, to));
    }
  };
  return Object.assign(format, {
    logForRequest,
    plugin<C extends BaseContext>(requestIdOf: (context: C) => string | undefined): ApolloServerPlugin<C> {
      return {
        async requestDidStart() {
          return {
            async didEncounterErrors({ contextValue, errors }) {
              logForRequest(errors, contextValue ? requestIdOf(contextValue) : undefined);
            },
          };
        },
      };
    },
  });
}
