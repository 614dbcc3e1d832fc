import type { ServerResponse } from 'node:http';
import { readRawBodyWithin, type Logger, type Route } from '@academy/service-kit';
import { WebhookVerificationError, type PaymentProvider, type ProviderWebhookEvent, type WebhookHeaders } from '../payments/payment-provider.js';

/** Where payment providers deliver webhooks, on commerce and (forwarded) on the gateway alike. */
export const PAYMENT_WEBHOOK_PATH = '/webhooks/payments';

/** Providers' events are a few kilobytes; this leaves room and bounds what is read unverified. */
export const MAX_WEBHOOK_BODY_BYTES = 512 * 1024;

/** What handling an event came to: done now, or done before (the same event id delivered again). */
export type PaymentEventOutcome = 'processed' | 'duplicate';

/**
 * Acts on a verified provider event. It must be idempotent by `event.id`: record the id in the
 * transaction that makes the event's changes, and answer 'duplicate' when it is already there.
 * Throwing makes the webhook answer 500, so the provider delivers the event again later.
 */
export type PaymentEventHandler = (event: ProviderWebhookEvent) => Promise<PaymentEventOutcome>;

/** A webhook's HTTP answer. */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Handles one delivery (raw body and headers), whether it came over HTTP or from the local provider. */
export type WebhookHandler = (rawBody: Buffer, headers: WebhookHeaders) => Promise<WebhookAnswer>;

/**
 * The webhook path shared by every provider: verify (400 with a generic message when the
 * delivery cannot be trusted: forged, stale, from the future or unreadable), then hand the event
 * to `onEvent` (200, also for a duplicate or a kind commerce does not act on; 500 when it fails,
 * so the provider retries). Log lines carry the event's id and type, never the body or headers.
 */
export function createWebhookHandler(provider: PaymentProvider, onEvent: PaymentEventHandler, logger: Logger): WebhookHandler {
  return async (rawBody, headers) => {
    let event: ProviderWebhookEvent | null;
    try {
      event = provider.parseWebhook(rawBody, headers);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      logger.warn('payment webhook refused', { provider: provider.name, reason: error.reason });
      return { status: 400, body: { error: 'invalid_webhook', message: 'The webhook could not be verified.' } };
    }
    if (!event) return { status: 200, body: { received: true } };
    try {
      const outcome = await onEvent(event);
      if (outcome === 'duplicate') logger.info('payment webhook already processed', { eventId: event.id, type: event.type });
      return { status: 200, body: { received: true, ...(outcome === 'duplicate' ? { duplicate: true } : {}) } };
    } catch (error) {
      logger.error('payment webhook not processed', { eventId: event.id, type: event.type, err: error });
      return { status: 500, body: { error: 'processing_failed', message: 'The event could not be processed now; deliver it again later.' } };
    }
  };
}

function send(res: ServerResponse, answer: WebhookAnswer): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * POST /webhooks/payments: reads the raw body (the signature covers its exact bytes) and hands
 * it to the webhook handler. Open like /oauth/token: the signature is the proof.
 */
export function createWebhookRoute(provider: PaymentProvider, onEvent: PaymentEventHandler, logger: Logger): Route {
  return webhookRoute(createWebhookHandler(provider, onEvent, logger));
}

/** POST /webhooks/payments on a handler already built (shared with the local provider's second step). */
export function webhookRoute(handle: WebhookHandler): Route {
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      res.end();
      return;
    }
    const rawBody = await readRawBodyWithin(req, MAX_WEBHOOK_BODY_BYTES);
    if (rawBody === null) {
      res.setHeader('connection', 'close');
      return send(res, { status: 413, body: { error: 'too_large', message: `The body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes.` } });
    }
    send(res, await handle(rawBody, req.headers));
  };
}
