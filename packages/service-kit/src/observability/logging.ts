import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** A structured logger writing one JSON object per line (to stderr unless told otherwise). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Where log lines go: anything with a `write(line)`, e.g. a stream, or a test's collector. */
export type LogDestination = DestinationStream;

/** The header a request's id travels in: from the client, to every subgraph, back in the response. */
export const REQUEST_ID_HEADER = 'x-request-id';

const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether a request id given by a client can be kept: 1–128 of `A-Z a-z 0-9 . _ : -`. */
export function isWellFormedRequestId(value: unknown): value is string {
  return typeof value === 'string' && WELL_FORMED_REQUEST_ID.test(value);
}

/** The given id when it is well-formed, otherwise a new one (a UUID). */
export function requestIdFrom(given: string | string[] | null | undefined): string {
  const value = Array.isArray(given) ? given[0] : given;
  return isWellFormedRequestId(value) ? value : randomUUID();
}

/** One subgraph fetch made while answering a request (gateway side). */
export interface SubgraphFetchRecord {
  subgraph: string;
  durationMs: number;
}

/**
 * What is known about one HTTP request while it is answered, for its access line: its id, and
 * what the line reports when the response ends. It is kept beside the request object (and
 * reached from the GraphQL context), not in an async context: AsyncLocalStorage on Node 20
 * turns on promise hooks for every promise of the process, a cost measured in bench:http.
 */
export interface RequestScope {
  requestId: string;
  operationName: string | null;
  errorCodes: string[];
  fetches: SubgraphFetchRecord[];
}

const scopes = new WeakMap<object, RequestScope>();

/** Starts the scope of request `req` (an IncomingMessage) under `requestId`. */
export function openRequestScope(req: object, requestId: string): RequestScope {
  const scope: RequestScope = { requestId, operationName: null, errorCodes: [], fetches: [] };
  scopes.set(req, scope);
  return scope;
}

/** The scope of request `req`, if it was opened (by the access log). */
export function requestScopeOf(req: object): RequestScope | undefined {
  return scopes.get(req);
}

/** Notes an error code of the answer being built (once each) for the access line. */
export function recordErrorCode(scope: RequestScope, code: unknown): void {
  if (typeof code === 'string' && !scope.errorCodes.includes(code)) scope.errorCodes.push(code);
}

/**
 * Keys whose values are secret or personal wherever they appear: replaced by "[redacted]".
 * Matched on the key's name in lower case without `_` or `-`.
 */
const SENSITIVE_KEY = /^(authorization|proxyauthorization|cookie|setcookie|password|newpassword|currentpassword|oldpassword|passwordhash|secret|clientsecret|webhooksecret|token|accesstoken|refreshtoken|idtoken|callertoken|xacademycaller|apikey|xapikey|email|emailaddress|paymenttoken|paymentmethod|cardnumber|card|cvc|iban|variables|query)$/;

/** An e-mail address inside any logged text (an error message quoting input, say). */
const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** A bearer token or JWT inside any logged text. */
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

const REDACTED = '[redacted]';

/** Fixed paths pino redacts at serialisation (fast); `scrub` below catches the rest. */
const REDACT_PATHS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'email',
  'variables',
  'headers.authorization',
  'headers.cookie',
  'headers["x-academy-caller"]',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.email',
  '*.paymentToken',
  '*.variables',
];

const normalisedKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

function scrubText(text: string): string {
  if (!text.includes('@') && !text.includes('ey') && !/bearer|basic/i.test(text)) return text;
  return text.replace(BEARER, `$1 ${REDACTED}`).replace(JWT, REDACTED).replace(EMAIL_ADDRESS, REDACTED);
}

/**
 * The fields of a line with secrets and personal data removed: sensitive keys at any depth,
 * e-mail addresses and tokens inside text, errors reduced to type, message, code and stack.
 */
function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error) {
    const { code } = value as { code?: unknown };
    return {
      type: value.name,
      message: scrubText(value.message),
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      ...(value.stack ? { stack: scrubText(value.stack) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SENSITIVE_KEY.test(normalisedKey(key)) ? REDACTED : scrub(item, depth + 1);
  return out;
}

let sharedStderr: DestinationStream | undefined;

/**
 * A destination writing to a file descriptor or path: asynchronously (lines gathered while a
 * write is under way, the rest written synchronously when the process exits) unless `sync`.
 */
export function logDestination(options: { dest: number | string; sync: boolean }): LogDestination & { flushSync(): void; flush(cb?: () => void): void } {
  return pino.destination({ dest: options.dest, sync: options.sync, mkdir: typeof options.dest === 'string' });
}

/**
 * The process's stderr, shared by every logger of the process. Written asynchronously (a
 * buffer flushed in the background, and synchronously when the process exits): measured
 * cheaper per request than a write per line (see bench/logging and the README's "Logs").
 */
function stderrDestination(): DestinationStream {
  sharedStderr ??= logDestination({ dest: 2, sync: false });
  return sharedStderr;
}

/** Writes out what an asynchronous destination still holds (before a deliberate exit). */
export function flushLogs(): void {
  const destination = sharedStderr as (DestinationStream & { flushSync?: () => void }) | undefined;
  try {
    destination?.flushSync?.();
  } catch {
    // Nothing written yet (the stream is still opening) or stderr is gone: nothing to flush.
  }
}

export interface LoggerOptions {
  /** Where lines go; default the process's stderr. */
  destination?: LogDestination;
}

class JsonLogger implements Logger {
  constructor(private readonly pino: PinoLogger) {}
  debug(message: string, fields?: Record<string, unknown>): void {
    this.pino.debug(fields ?? {}, message);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.pino.info(fields ?? {}, message);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.pino.warn(fields ?? {}, message);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.pino.error(fields ?? {}, message);
  }
  child(fields: Record<string, unknown>): Logger {
    return new JsonLogger(this.pino.child(fields));
  }
}

/**
 * A JSON-lines logger (pino): `time` (ISO), `level` (its name), `msg`, the `base` fields (the
 * service's name), then the line's own fields (a request's logger adds its id: `requestLogger`),
 * with secrets and personal data redacted.
 */
export function createLogger(level: LogLevel, base: Record<string, unknown> = {}, options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level,
      base,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => scrub(fields, 0) as Record<string, unknown>,
      },
      // Errors are already reduced (and scrubbed) by `scrub`.
      serializers: { err: (err: unknown) => err },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    options.destination ?? stderrDestination(),
  );
  return new JsonLogger(logger);
}

/** The logger of one request: `logger` with the request's id on every line. */
export function requestLogger(logger: Logger, requestId: string, fields: Record<string, unknown> = {}): Logger {
  return logger.child({ requestId, ...fields });
}
