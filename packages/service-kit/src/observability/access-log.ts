import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  isWellFormedRequestId,
  openRequestScope,
  recordErrorCode,
  REQUEST_ID_HEADER,
  requestIdFrom,
  requestLogger,
  requestScopeOf,
  type Logger,
  type RequestScope,
} from './logging.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Milliseconds with two decimals: enough to read, short in the line. */
const roundMs = (ms: number) => Math.round(ms * 100) / 100;

/** The path of a request without its query string (which may carry a GET operation's variables). */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

/**
 * The access line of one answered request: `msg: "request"` at info level with its id, method,
 * path, operation name, status, duration and the error codes of the answer, plus the
 * subgraph fetches where there were any (the gateway's). Never variables, query text, headers
 * or anything else the client sent.
 */
function accessLine(scope: RequestScope, req: IncomingMessage, res: ServerResponse, durationMs: number): Record<string, unknown> {
  const line: Record<string, unknown> = {
    requestId: scope.requestId,
    method: req.method,
    path: pathOf(req),
    operationName: scope.operationName,
    status: res.statusCode,
    durationMs: roundMs(durationMs),
    errorCodes: scope.errorCodes,
  };
  if (scope.fetches.length > 0) line.fetches = { count: scope.fetches.length, subgraphs: scope.fetches };
  // The client went away before the answer was complete.
  if (!res.writableFinished) line.aborted = true;
  return line;
}

/**
 * Wraps a server's request listener so that every request has an id (the client's well-formed
 * `x-request-id`, else a new UUID), answered in the `x-request-id` response header whatever
 * answers it (the scope is reached with `requestScopeOf(req)`), and reported in one access
 * line when its response ends.
 */
export function withRequestLog(logger: Logger, listener: Listener): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const scope = openRequestScope(req, requestIdFrom(req.headers[REQUEST_ID_HEADER]));
    res.setHeader(REQUEST_ID_HEADER, scope.requestId);
    res.once('close', () => logger.info('request', accessLine(scope, req, res, performance.now() - started)));
    return listener(req, res);
  };
}

/** The header passing request `req`'s id on to a service it forwards to (none outside a scope). */
export function requestIdHeader(req: IncomingMessage): Record<string, string> {
  const scope = requestScopeOf(req);
  return scope ? { [REQUEST_ID_HEADER]: scope.requestId } : {};
}

/** `logger`, with request `req`'s id on every line when it has one. */
export function loggerForRequest(logger: Logger, req: IncomingMessage): Logger {
  const scope = requestScopeOf(req);
  return scope ? requestLogger(logger, scope.requestId) : logger;
}

/**
 * The access line of an operation a gateway in the same process ran without HTTP: the same
 * fields, with `path: "in-process"` and no status.
 */
export function logInProcessRequest(logger: Logger, requestId: string | null, operationName: string | null, errors: readonly { extensions?: Record<string, unknown> }[] | undefined, startedAt: number): void {
  const errorCodes = [...new Set((errors ?? []).map((error) => error.extensions?.code).filter((code): code is string => typeof code === 'string'))];
  logger.info('request', { requestId, path: 'in-process', operationName, status: null, durationMs: roundMs(performance.now() - startedAt), errorCodes });
}

/**
 * Adopts the id the gateway signed into the caller token (the request's id across the
 * federation) for request `req`, when it is well-formed.
 */
export function adoptRequestId(req: IncomingMessage, requestId: string | null, res?: ServerResponse): void {
  const scope = requestScopeOf(req);
  if (!scope || !isWellFormedRequestId(requestId) || scope.requestId === requestId) return;
  scope.requestId = requestId;
  if (res && !res.headersSent) res.setHeader(REQUEST_ID_HEADER, requestId);
}

/** Notes a subgraph fetch of the request of `scope`, for its access line. */
export function recordSubgraphFetch(scope: RequestScope | undefined, subgraph: string, startedAt: number): void {
  scope?.fetches.push({ subgraph, durationMs: roundMs(performance.now() - startedAt) });
}

/**
 * Gives the access line of each GraphQL request its operation name and the error codes of its
 * answer (as the client gets them, after masking); `scopeOf` finds the request's scope from
 * its GraphQL context.
 */
export function accessLogPlugin<C extends BaseContext>(scopeOf: (context: C) => RequestScope | undefined): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, request, response }) {
          const scope = scopeOf(contextValue);
          if (!scope) return;
          scope.operationName = operationName ?? request.operationName ?? null;
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) recordErrorCode(scope, error.extensions?.code);
        },
      };
    },
  };
}
