import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestCaller } from './auth.js';
import { CALLER_HEADER, CallerTokenError, verifyCallerToken } from './caller-token.js';
import { ErrorCode, RequestErrorCode } from './errors.js';
import { readBodyWithin } from './http.js';
import { isWellFormedRequestId, openRequestScope, REQUEST_ID_HEADER, requestIdFrom, type Logger, type RequestScope } from './logger.js';

/**
 * Fetch batches: several of the gateway's fetches to one subgraph, made in the same turn of its
 * event loop (by different client requests, or by one plan's parallel steps), sent as one HTTP
 * request. Each fetch in a batch is the request it would have been on its own (its own caller
 * token, request id, context, loaders, answer budget, errors and access line); only the HTTP
 * exchange is shared, which is most of what a fetch costs both processes on a loaded machine.
 *
 * Wire format, POST `FETCH_BATCH_PATH` with `content-type: application/json`:
 *
 *     {"fetches": [{"headers": {"x-academy-caller": "...", "x-request-id": "..."}, "body": {"query": "...", "variables": {...}}}, ...]}
 *
 * answered 200 with one answer per fetch, in order:
 *
 *     {"answers": [{"status": 200, "body": {"data": ...}}, {"status": 401, "body": {"errors": [...]}}, {"retry": true}, ...]}
 *
 * `retry` marks a fetch that was not run (what the direct path leaves to Apollo Server: a text
 * that does not validate, variables that do not coerce, or any fetch while tracing): the gateway
 * sends it again on its own. A 4xx status of the whole batch means that none of its fetches ran,
 * so each may be sent again on its own (404: the subgraph does not serve batches); after a 5xx
 * or a lost connection some may have run, and none is sent again.
 */
export const FETCH_BATCH_PATH = '/graphql/batch';

/** Most fetches in one batch. */
export const FETCH_BATCH_MAX_FETCHES = 64;

/** Largest batch body a subgraph reads, in bytes (a gateway sends fetches over 1 MiB on their own). */
export const FETCH_BATCH_MAX_BYTES = 8 * 1024 * 1024;

/** The headers of a fetch that travel with it in a batch; the others are the batch's own. */
export const FETCH_BATCH_HEADERS: readonly string[] = [CALLER_HEADER, REQUEST_ID_HEADER, 'accept'];

/** One fetch of a batch, as the subgraph receives it. */
interface BatchedFetch {
  headers: Record<string, unknown>;
  body: unknown;
}

export interface FetchBatchOptions<C> {
  /** The subgraph's name: the caller tokens must be signed for it. */
  name: string;
  gatewaySecret: string;
  logger: Logger;
  /** The direct path: a fetch's answer as JSON text, or null when it must be sent again alone. */
  answer: (body: unknown, accept: string | undefined, contextOf: () => Promise<C>) => Promise<string | null>;
  /** A fetch's context, for its caller, with its scope (access line) attached. */
  contextFor: (caller: RequestCaller, scope: RequestScope) => Promise<C>;
  /** Whether fetches may run in batches now (false while tracing: a fetch's span is its own request's). */
  serving: () => boolean;
  /** Told of each fetch the batch runs or refuses (not of those sent again alone), with its caller token. */
  received?: (callerToken: string | undefined) => void;
}

const RETRY = '{"retry":true}';

/** A fetch batch's malformed request: nothing ran. */
function refuse(res: ServerResponse, status: number, message: string): void {
  const text = JSON.stringify({ errors: [{ message, extensions: { code: RequestErrorCode.BAD_REQUEST } }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function isBatchedFetch(value: unknown): value is BatchedFetch {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { headers } = value as Record<string, unknown>;
  return headers !== null && typeof headers === 'object' && !Array.isArray(headers);
}

/**
 * The listener of `FETCH_BATCH_PATH` on a subgraph: reads a batch, runs its fetches
 * concurrently, each exactly as `/graphql` would run it alone, and answers them in order. Each
 * fetch writes its own access line (path `/graphql`, `batched: true`); the batch writes none.
 */
export function fetchBatchListener<C>(options: FetchBatchOptions<C>) {
  const one = async (fetch: BatchedFetch, size: number): Promise<string> => {
    const startedAt = performance.now();
    const header = (name: string) => {
      const value = fetch.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    // A scope of the fetch's own, as `withRequestLog` opens one for a request.
    const scope = openRequestScope({}, requestIdFrom(header(REQUEST_ID_HEADER)));
    const written = (status: number, text: string) => {
      options.logger.info('request', {
        requestId: scope.requestId,
        method: 'POST',
        path: '/graphql',
        operationName: scope.operationName,
        status,
        durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
        errorCodes: scope.errorCodes,
        batched: size,
      });
      return `{"status":${status},"body":${text}}`;
    };
    let caller: RequestCaller;
    try {
      caller = await verifyCallerToken(header(CALLER_HEADER), options.gatewaySecret, options.name);
    } catch (error) {
      options.received?.(header(CALLER_HEADER));
      const message = error instanceof CallerTokenError ? error.message : 'invalid gateway credentials';
      scope.errorCodes.push(ErrorCode.UNAUTHENTICATED);
      return written(401, JSON.stringify({ errors: [{ message: `Refused: ${message}.`, extensions: { code: ErrorCode.UNAUTHENTICATED } }] }));
    }
    if (isWellFormedRequestId(caller.requestId)) scope.requestId = caller.requestId;
    try {
      const text = await options.answer(fetch.body, header('accept'), () => options.contextFor(caller, scope));
      if (text === null) return RETRY;
      options.received?.(header(CALLER_HEADER));
      return written(200, text);
    } catch (error) {
      options.received?.(header(CALLER_HEADER));
      // As /graphql answers what fails outside execution (the fetch may have run: never again).
      options.logger.error('batched fetch failed', { requestId: scope.requestId, reason: (error as Error | null)?.message });
      scope.errorCodes.push(ErrorCode.INTERNAL_SERVER_ERROR);
      return written(500, JSON.stringify({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] }));
    }
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      refuse(res, 405, 'A fetch batch is sent with POST.');
      return;
    }
    let text: string | null;
    try {
      text = await readBodyWithin(req, FETCH_BATCH_MAX_BYTES);
    } catch {
      // The gateway went away while sending it: nothing ran, nobody to answer.
      res.destroy();
      return;
    }
    if (text === null) {
      // The rest of the body is never read: the connection cannot carry another request.
      res.setHeader('connection', 'close');
      refuse(res, 413, `A fetch batch may be at most ${FETCH_BATCH_MAX_BYTES} bytes.`);
      return;
    }
    let fetches: unknown;
    try {
      fetches = (JSON.parse(text) as { fetches?: unknown } | null)?.fetches;
    } catch {
      refuse(res, 400, 'The request body is not valid JSON.');
      return;
    }
    if (!Array.isArray(fetches) || fetches.length === 0 || fetches.length > FETCH_BATCH_MAX_FETCHES || !fetches.every(isBatchedFetch)) {
      refuse(res, 400, `A fetch batch is {"fetches": [...]} with 1 to ${FETCH_BATCH_MAX_FETCHES} fetches, each with its headers and body.`);
      return;
    }
    const serving = options.serving();
    const answers = await Promise.all(fetches.map((fetch) => (serving ? one(fetch, fetches.length) : Promise.resolve(RETRY))));
    const body = `{"answers":[${answers.join(',')}]}`;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}
