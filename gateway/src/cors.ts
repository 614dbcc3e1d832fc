import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

/** An origin as a browser sends it, where `*` may stand for a host name's labels or for a port. */
const ORIGIN_PATTERN = /^https?:\/\/[A-Za-z0-9.*-]+(:(\d{1,5}|\*))?$/;

/** The origins allowed by default outside production: a web app in development on any port. */
export const DEVELOPMENT_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

/** CORS_ORIGINS's entries (comma-separated; empty: none), or null when one is not an origin pattern. */
export function parseOriginPatterns(value: string): string[] | null {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.every((entry) => ORIGIN_PATTERN.test(entry)) ? entries : null;
}

const escape = (text: string) => text.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');

/** `*` in the host stands for one or more labels, `:*` for any port. */
function matcherOf(pattern: string): RegExp {
  const anyPort = pattern.endsWith(':*');
  const host = anyPort ? pattern.slice(0, -2) : pattern;
  const source = host.split('*').map(escape).join('[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*') + (anyPort ? ':\\d{1,5}' : '');
  return new RegExp(`^${source}$`, 'i');
}

/**
 * Cross-origin access for browser apps on the allowed origins: preflights are answered (204
 * with the allowed method and headers), and answers carry Access-Control-Allow-Origin for an
 * allowed Origin only. Credentials travel as `Authorization` headers, never cookies, so none
 * are allowed. Apollo Server's CSRF prevention still applies behind it: a browser may only send
 * what needs a preflight (JSON, or a header such as apollo-require-preflight).
 * Resolves true when it has answered the request itself (a preflight).
 */
export function createCorsHandler(patterns: readonly string[]) {
  const matchers = patterns.map(matcherOf);
  const middleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && matchers.some((matcher) => matcher.test(origin))),
    methods: ['GET', 'POST'],
    // A rate-limited browser app may read when to try again.
    exposedHeaders: ['Retry-After'],
    maxAge: 600,
  });
  return (req: IncomingMessage, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve, reject) => {
      middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve(false)));
      // Without calling next, the middleware has ended the response: a preflight.
      if (res.writableEnded) resolve(true);
    });
}
