import type { ServerResponse } from 'node:http';
import { loggerForRequest, readRawBodyWithin, requestIdHeader, type Logger, type Route } from '@academy/service-kit';

/** The path payment providers deliver webhooks to, on the gateway and on commerce alike. */
export const PAYMENT_WEBHOOK_PATH = '/webhooks/payments';

/** Where the local payment provider's second step is shown and completed (commerce answers 404 with any other provider). */
export const LOCAL_PAYMENT_ACTIONS_PATH = '/payments/local/actions';

/** Commerce refuses longer bodies too. */
const MAX_BODY_BYTES = 512 * 1024;

/** The request headers commerce needs: the body's type and the providers' signature headers. */
const FORWARDED_HEADERS = ['content-type', 'stripe-signature', 'local-payment-signature'] as const;

type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * POST /webhooks/payments on the gateway: the delivery is passed to commerce, which verifies
 * its signature and acts on it, byte for byte with its signature headers, and commerce's
 * answer passed back. No caller token: the provider's signature is the proof.
 */
export function paymentWebhookForwarder(options: { commerceUrl: string; fetch: Fetch; logger: Logger }): Route {
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      res.end();
      return;
    }
    const raw = await readRawBodyWithin(req, MAX_BODY_BYTES);
    if (raw === null) {
      res.setHeader('connection', 'close');
      return answer(res, 413, { error: 'too_large', message: `The body is larger than ${MAX_BODY_BYTES} bytes.` });
    }
    // Providers send UTF-8 JSON; a body that does not survive as text could not carry a valid signature anyway.
    const body = raw.toString('utf8');
    if (!Buffer.from(body, 'utf8').equals(raw)) return answer(res, 400, { error: 'invalid_webhook', message: 'The webhook could not be verified.' });
    const headers: Record<string, string> = requestIdHeader(req);
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    let upstream;
    let text;
    try {
      upstream = await options.fetch(options.commerceUrl, { method: 'POST', headers, body });
      text = await upstream.text();
    } catch (error) {
      loggerForRequest(options.logger, req).warn('commerce unreachable for a payment webhook', { err: error });
      // Providers deliver again after a failure, so nothing is lost.
      return answer(res, 503, { error: 'temporarily_unavailable', message: 'Deliver the event again later.' }, { 'retry-after': '5' });
    }
    const forwarded: Record<string, string> = {};
    for (const name of ['content-type', 'cache-control', 'allow']) {
      const value = upstream.headers.get(name);
      if (value !== null) forwarded[name] = value;
    }
    res.writeHead(upstream.status, forwarded);
    res.end(text);
  };
}

/**
 * GET and POST /payments/local/actions on the gateway: the local provider's second step (the
 * page a nextActionUrl opens, and its approve or decline), passed to commerce with its query
 * and form, so a customer's browser needs to reach the gateway only.
 */
export function localPaymentActionsForwarder(options: { commerceUrl: string; fetch: Fetch; logger: Logger }): Route {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST' });
      res.end();
      return;
    }
    const target = new URL(options.commerceUrl);
    target.search = new URL(req.url ?? '/', 'http://localhost').search;
    const headers: Record<string, string> = requestIdHeader(req);
    let body: string | undefined;
    if (req.method === 'POST') {
      const raw = await readRawBodyWithin(req, 4096);
      if (raw === null) return answer(res, 413, { error: 'the body is larger than 4096 bytes' });
      body = raw.toString('utf8');
      if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    }
    let upstream;
    let text;
    try {
      upstream = await options.fetch(target.toString(), { method: req.method, headers, ...(body === undefined ? {} : { body }) });
      text = await upstream.text();
    } catch (error) {
      loggerForRequest(options.logger, req).warn('commerce unreachable for a local payment action', { err: error });
      return answer(res, 503, { error: 'temporarily_unavailable' }, { 'retry-after': '2' });
    }
    const contentType = upstream.headers.get('content-type');
    res.writeHead(upstream.status, { 'cache-control': 'no-store', ...(contentType ? { 'content-type': contentType } : {}) });
    res.end(text);
  };
}
