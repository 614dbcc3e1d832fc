import type { ServerResponse } from 'node:http';
import { readBodyWithin, type Route } from '@academy/service-kit';
import type { LocalActionOutcome, LocalPaymentProvider } from '../payments/local-provider.js';
import { PaymentProviderError } from '../payments/payment-provider.js';
import type { WebhookHandler } from './payment-webhook.route.js';

/** Where the local provider's second step is shown (GET) and completed (POST); mounted only with the local provider. */
export const LOCAL_PAYMENT_ACTIONS_PATH = '/payments/local/actions';

const REFERENCE = /^pay_local_[0-9a-f]{24}$/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
  res.end(text);
}

/** The page a nextActionUrl opens: the customer approves or declines (the reference is checked before it is shown). */
function actionPage(reference: string): string {
  const button = (outcome: LocalActionOutcome, label: string) =>
    `<form method="post"><input type="hidden" name="reference" value="${reference}"><input type="hidden" name="outcome" value="${outcome}"><button>${label}</button></form>`;
  return `<!doctype html><meta charset="utf-8"><title>Confirm payment</title><h1>Confirm payment ${reference}</h1><p>Local test provider: no money moves.</p>${button('approve', 'Approve')}${button('decline', 'Decline')}`;
}

/**
 * The local provider's second step: GET shows the page a nextActionUrl leads to; POST with
 * `reference` and `outcome` (approve or decline; form fields or JSON) completes it, and the
 * signed webhook the provider sends about it goes through `deliver`, the same handler
 * POST /webhooks/payments uses. Answers the payment's status and the webhook's answer.
 */
export function localPaymentActionsRoute(provider: LocalPaymentProvider, deliver: WebhookHandler): Route {
  return async (req, res) => {
    if (req.method === 'GET') {
      const reference = new URL(req.url ?? '/', 'http://localhost').searchParams.get('reference') ?? '';
      if (!REFERENCE.test(reference)) return sendJson(res, 400, { error: 'reference must be a local payment reference' });
      const html = actionPage(reference);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)), 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST' });
      res.end();
      return;
    }
    const text = await readBodyWithin(req, 4096);
    if (text === null) return sendJson(res, 413, { error: 'the body is larger than 4096 bytes' });
    let fields: Record<string, unknown>;
    try {
      fields = (req.headers['content-type'] ?? '').startsWith('application/json') ? (JSON.parse(text) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(text));
    } catch {
      return sendJson(res, 400, { error: 'the body is not JSON' });
    }
    const { reference, outcome } = fields;
    if (typeof reference !== 'string' || !REFERENCE.test(reference)) return sendJson(res, 400, { error: 'reference must be a local payment reference' });
    if (outcome !== 'approve' && outcome !== 'decline') return sendJson(res, 400, { error: 'outcome must be approve or decline' });
    let completed;
    try {
      completed = provider.completeAction(reference, outcome);
    } catch (error) {
      if (error instanceof PaymentProviderError) return sendJson(res, error.status === 404 ? 404 : 409, { error: error.message });
      throw error;
    }
    const webhook = await deliver(completed.webhook.rawBody, completed.webhook.headers);
    sendJson(res, 200, { reference, status: completed.payment.status, webhook: { status: webhook.status } });
  };
}
