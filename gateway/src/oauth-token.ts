import type { IncomingMessage, ServerResponse } from 'node:http';
import { loggerForRequest, readBodyWithin, requestIdHeader, type Logger, type Route } from '@academy/service-kit';
import type { Throttles } from './abuse/throttles.js';
import { clientAddressOf, type ProxyTrust } from './client-address.js';

/** The path partner clients ask for tokens at, on the gateway and on identity alike. */
export const OAUTH_TOKEN_PATH = '/oauth/token';

/** A token request is a few short form fields; identity refuses longer ones too. */
const MAX_BODY_BYTES = 4096;

/** The headers of identity's answer a client needs. */
const ANSWER_HEADERS = ['content-type', 'cache-control', 'pragma', 'www-authenticate', 'allow'] as const;

type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** The client id a request names (Basic or form field), for throttling only: identity checks it. */
function clientIdOf(req: IncomingMessage, body: string): string | null {
  const basic = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(req.headers.authorization?.trim() ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon > 0 ? decoded.slice(0, colon) : null;
  }
  return new URLSearchParams(body).get('client_id');
}

/**
 * POST /oauth/token on the gateway: counted against the partner-token throttle (per client
 * address and per client id; 429 with Retry-After beyond it), then passed to identity, which
 * owns the grant, and its answer passed back as it is.
 */
export function oauthTokenForwarder(options: { identityUrl: string; fetch: Fetch; throttles: Throttles; trustProxy: ProxyTrust; logger: Logger }): Route {
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      res.end();
      return;
    }
    const body = await readBodyWithin(req, MAX_BODY_BYTES);
    if (body === null) return answer(res, 400, { error: 'invalid_request', error_description: `The body is larger than ${MAX_BODY_BYTES} bytes.` });
    const retryAfter = await options.throttles.consumeTokenRequest(clientAddressOf(req, options.trustProxy), clientIdOf(req, body));
    if (retryAfter !== null) {
      return answer(res, 429, { error: 'slow_down', error_description: `Too many token requests: try again in ${retryAfter} s.` }, { 'retry-after': String(retryAfter) });
    }
    const headers: Record<string, string> = requestIdHeader(req);
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    let upstream;
    let text;
    try {
      upstream = await options.fetch(options.identityUrl, { method: 'POST', headers, body });
      text = await upstream.text();
    } catch (error) {
      loggerForRequest(options.logger, req).warn('identity unreachable for a token request', { err: error });
      return answer(res, 503, { error: 'temporarily_unavailable', error_description: 'Try again in a few seconds.' }, { 'retry-after': '2' });
    }
    const forwarded: Record<string, string> = {};
    for (const name of ANSWER_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) forwarded[name] = value;
    }
    res.writeHead(upstream.status, forwarded);
    res.end(text);
  };
}
