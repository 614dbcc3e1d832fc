import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  currentRequestScope,
  isWellFormedRequestId,
  recordErrorCode,
  REQUEST_ID_HEADER,
  requestIdFrom,
  runInRequestScope,
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
 * answers it, carried by every line logged while it runs, and reported in one access line
 * when its response ends.
 */
export function withRequestLog(logger: Logger, listener: Listener): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    runInRequestScope(requestIdFrom(req.headers[REQUEST_ID_HEADER]), (scope) => {
      res.setHeader(REQUEST_ID_HEADER, scope.requestId);
      res.once('close', () => logger.info('request', accessLine(scope, req, res, performance.now() - started)));
      return listener(req, res);
    });
  };
}

/**
 * Adopts the id the gateway signed into the caller token (the request's id across the
 * federation) for the request being answered, when it is well-formed.
 */
export function adoptRequestId(requestId: string | null, res?: ServerResponse): void {
  const scope = currentRequestScope();
  if (!scope || !isWellFormedRequestId(requestId) || scope.requestId === requestId) return;
  scope.requestId = requestId;
  if (res && !res.headersSent) res.setHeader(REQUEST_ID_HEADER, requestId);
}

/** Notes a subgraph fetch of the request being answered, for its access line. */
export function recordSubgraphFetch(subgraph: string, startedAt: number): void {
  currentRequestScope()?.fetches.push({ subgraph, durationMs: roundMs(performance.now() - startedAt) });
}

/**
 * Gives the access line of each GraphQL request its operation name and the error codes of its
 * answer (as the client gets them, after masking).
 */
export function accessLogPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operationName, request, response }) {
          const scope = currentRequestScope();
          if (!scope) return;
          scope.operationName = operationName ?? request.operationName ?? null;
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) recordErrorCode(error.extensions?.code);
        },
      };
    },
  };
}
