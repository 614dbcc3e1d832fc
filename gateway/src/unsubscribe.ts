import { loggerForRequest, requestIdHeader, type Logger, type Route } from '@academy/service-kit';

/** The path of the unsubscribe links in notification e-mails, on the gateway and on community alike. */
export const UNSUBSCRIBE_PATH = '/notifications/unsubscribe';

/** The headers of community's answer a browser needs. */
const ANSWER_HEADERS = ['content-type', 'cache-control', 'referrer-policy', 'allow'] as const;

type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/**
 * GET (or one-click POST) /notifications/unsubscribe?token=… on the gateway: passed to community,
 * which owns notification preferences and checks the signed token itself (no sign-in is needed:
 * the token is the proof), and its answer passed back as it is.
 */
export function unsubscribeForwarder(options: { communityUrl: string; fetch: Fetch; logger: Logger }): Route {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST' });
      res.end();
      return;
    }
    const target = new URL(options.communityUrl);
    target.search = new URL(req.url ?? '/', 'http://localhost').search;
    let upstream;
    let text;
    try {
      upstream = await options.fetch(target.toString(), { method: req.method, headers: requestIdHeader(req) });
      text = await upstream.text();
    } catch (error) {
      loggerForRequest(options.logger, req).warn('community unreachable for an unsubscribe link', { err: error });
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5', 'cache-control': 'no-store' });
      res.end('The service is briefly unavailable: try the link again in a minute.');
      return;
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
