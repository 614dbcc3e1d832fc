// An adapter for a PaymentIntents-style HTTP API (Stripe's, and any provider speaking it),
// written on fetch: no SDK, so nothing but this file decides what is sent, retried or logged.
//
// - Charges are `POST /v1/payment_intents` with confirm=true, refunds `POST /v1/refunds`, both
//   form-encoded and sent with an Idempotency-Key (our payment's or refund's id): a retried
//   request is answered with the first one's result, never a second charge.
// - Every call has a timeout. Network errors, timeouts, 429 and 5xx are retried a bounded number
//   of times, with the same Idempotency-Key; other answers are not retried.
// - The secret key travels only in the Authorization header and the webhook secret only into
//   the HMAC: neither is put into an error or a log line, and text the provider sends back is
//   scrubbed of them before it is.
import type { Logger } from '@academy/service-kit';
import {
  checkPaymentInput,
  checkRefundInput,
  PaymentProviderError,
  WebhookVerificationError,
  type CreatePaymentInput,
  type PaymentProvider,
  type PaymentResult,
  type ProviderWebhookEvent,
  type RefundInput,
  type RefundResult,
  type WebhookHeaders,
} from './payment-provider.js';
import { headerValue, parseWebhookJson, verifyWebhookSignature } from './webhook-signature.js';

/** The header PaymentIntents-style providers sign webhooks in. */
export const PAYMENT_INTENTS_SIGNATURE_HEADER = 'stripe-signature';

export interface PaymentIntentsProviderOptions {
  /** The API's base URL, e.g. https://api.stripe.com (paths /v1/... are added). */
  apiUrl: string;
  /** Sent as `Authorization: Bearer …`. */
  secretKey: string;
  /** Verifies the provider's webhook signatures. */
  webhookSecret: string;
  webhookToleranceSeconds: number;
  logger: Logger;
  /** Longest wait for one answer; default 10 s. */
  timeoutMs?: number;
  /** Attempts of a retryable call in all; default 3. */
  maxAttempts?: number;
  /** Wait before the first retry, doubled for each next one; default 250 ms. */
  retryDelayMs?: number;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** The parts of a PaymentIntent this adapter reads. */
interface PaymentIntent {
  id: string;
  status: string;
  amount: number;
  currency: string;
  next_action?: { type?: string; redirect_to_url?: { url?: string } } | null;
  last_payment_error?: { code?: string; decline_code?: string } | null;
  cancellation_reason?: string | null;
}

/** The provider's error body: `{ error: { type, code, message, decline_code, payment_intent } }`. */
interface ProviderErrorBody {
  type?: string;
  code?: string;
  message?: string;
  decline_code?: string;
  payment_intent?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isPaymentIntent(value: unknown): value is PaymentIntent {
  return isRecord(value) && typeof value.id === 'string' && typeof value.status === 'string' && typeof value.amount === 'number' && typeof value.currency === 'string';
}

/** A PaymentIntent in our terms. */
function paymentResult(intent: PaymentIntent): PaymentResult {
  const base = { providerReference: intent.id, amountMinor: intent.amount, currency: intent.currency.toUpperCase() };
  switch (intent.status) {
    case 'succeeded':
      return { ...base, status: 'SUCCEEDED' };
    case 'requires_action': {
      const url = intent.next_action?.redirect_to_url?.url;
      return { ...base, status: 'REQUIRES_ACTION', ...(url ? { nextActionUrl: url } : {}) };
    }
    case 'requires_payment_method': {
      const error = intent.last_payment_error;
      return { ...base, status: 'FAILED', failureReason: error?.decline_code ?? error?.code ?? 'payment_method_required' };
    }
    case 'canceled':
      return { ...base, status: 'FAILED', failureReason: intent.cancellation_reason ?? 'canceled' };
    default:
      // processing, requires_confirmation, requires_capture: the outcome comes by webhook.
      return { ...base, status: 'PENDING' };
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The PaymentIntents adapter. */
export class PaymentIntentsProvider implements PaymentProvider {
  readonly name = 'payment-intents';
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: PaymentIntentsProviderOptions) {
    this.baseUrl = options.apiUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async createPayment(input: CreatePaymentInput): Promise<PaymentResult> {
    checkPaymentInput(input);
    const form = new URLSearchParams({
      amount: String(input.amountMinor),
      currency: input.currency.toLowerCase(),
      payment_method: input.paymentToken,
      confirm: 'true',
      description: input.description,
      'metadata[paymentId]': input.paymentId,
      'metadata[orderId]': input.metadata.orderId,
      'metadata[reference]': input.metadata.reference,
    });
    const answer = await this.call('POST', '/v1/payment_intents', { form, idempotencyKey: input.paymentId });
    if (answer.ok) return paymentResult(this.intentOf(answer.body));
    // A declined card is an answer about the payment (402 with the intent), not a failed call.
    const error = answer.error;
    if (answer.status === 402 && isPaymentIntent(error.payment_intent)) {
      return { ...paymentResult(error.payment_intent), status: 'FAILED', failureReason: error.decline_code ?? error.code ?? 'card_declined' };
    }
    throw this.failure(answer.status, error);
  }

  async retrievePayment(providerReference: string): Promise<PaymentResult> {
    const answer = await this.call('GET', `/v1/payment_intents/${encodeURIComponent(providerReference)}`, {});
    if (!answer.ok) throw this.failure(answer.status, answer.error);
    return paymentResult(this.intentOf(answer.body));
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    checkRefundInput(input);
    const form = new URLSearchParams({ payment_intent: input.providerReference, amount: String(input.amountMinor) });
    const answer = await this.call('POST', '/v1/refunds', { form, idempotencyKey: input.idempotencyKey });
    if (!answer.ok) throw this.failure(answer.status, answer.error);
    const refund = answer.body;
    if (!isRecord(refund) || typeof refund.id !== 'string' || typeof refund.status !== 'string') {
      throw new PaymentProviderError('unavailable', 'The payment provider answered a refund without id or status.', answer.status);
    }
    if (refund.status === 'succeeded') return { status: 'SUCCEEDED', providerRefundReference: refund.id };
    if (refund.status === 'failed' || refund.status === 'canceled') {
      return { status: 'FAILED', providerRefundReference: refund.id, failureReason: typeof refund.failure_reason === 'string' ? refund.failure_reason : refund.status };
    }
    return { status: 'PENDING', providerRefundReference: refund.id };
  }

  parseWebhook(rawBody: Buffer, headers: WebhookHeaders): ProviderWebhookEvent | null {
    verifyWebhookSignature({
      header: headerValue(headers, PAYMENT_INTENTS_SIGNATURE_HEADER),
      rawBody,
      secret: this.options.webhookSecret,
      toleranceSeconds: this.options.webhookToleranceSeconds,
    });
    const event = parseWebhookJson(rawBody);
    const object = isRecord(event) && isRecord(event.data) ? event.data.object : undefined;
    if (!isRecord(event) || typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.created !== 'number' || !isRecord(object) || typeof object.id !== 'string') {
      throw new WebhookVerificationError('malformed', 'The event lacks id, type, created or data.object.');
    }
    const base = { id: event.id, providerReference: object.id, occurredAt: new Date(event.created * 1000) };
    const reason = (value: unknown) => (typeof value === 'string' ? value : undefined);
    switch (event.type) {
      case 'payment_intent.succeeded':
        return { ...base, type: 'payment.succeeded' };
      case 'payment_intent.payment_failed': {
        const error = isRecord(object.last_payment_error) ? object.last_payment_error : {};
        return { ...base, type: 'payment.failed', failureReason: reason(error.decline_code) ?? reason(error.code) ?? 'payment_failed' };
      }
      case 'payment_intent.canceled':
        return { ...base, type: 'payment.failed', failureReason: reason(object.cancellation_reason) ?? 'canceled' };
      case 'refund.created':
      case 'refund.updated':
      case 'refund.failed': {
        const paymentReference = reason(object.payment_intent);
        const refund = { ...base, ...(paymentReference ? { paymentReference } : {}) };
        if (object.status === 'succeeded') return { ...refund, type: 'refund.succeeded' };
        if (object.status === 'failed' || object.status === 'canceled') return { ...refund, type: 'refund.failed', failureReason: reason(object.failure_reason) ?? String(object.status) };
        return null;
      }
      default:
        return null;
    }
  }

  private intentOf(body: unknown): PaymentIntent {
    if (!isPaymentIntent(body)) throw new PaymentProviderError('unavailable', 'The payment provider answered without a PaymentIntent.');
    return body;
  }

  /** A provider's refusal in our terms, its text scrubbed of secrets. */
  private failure(status: number, error: ProviderErrorBody): PaymentProviderError {
    if (status === 401 || status === 403) return new PaymentProviderError('authentication', 'The payment provider refused the configured secret key.', status);
    const detail = this.scrub(error.message ?? error.code ?? `status ${status}`);
    if (error.type === 'idempotency_error' || error.code === 'idempotency_key_in_use') {
      return new PaymentProviderError('idempotency_conflict', `The payment provider refused the idempotency key: ${detail}`, status);
    }
    return new PaymentProviderError('invalid_request', `The payment provider refused the request: ${detail}`, status);
  }

  /** Removes the configured secrets, and anything shaped like a provider key, from text that may be logged or thrown. */
  private scrub(text: string): string {
    let scrubbed = text;
    for (const secret of [this.options.secretKey, this.options.webhookSecret]) {
      if (secret) scrubbed = scrubbed.split(secret).join('[redacted]');
    }
    return scrubbed.replace(/\b(sk|rk|whsec)_[A-Za-z0-9_*]+/g, '[redacted]').slice(0, 300);
  }

  /**
   * One API call, retried (same Idempotency-Key) on network errors, timeouts, 429 and 5xx when it
   * is safe to: a GET, or a POST with an Idempotency-Key. Resolves with the provider's JSON
   * answer, or its error body for a 4xx.
   */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    request: { form?: URLSearchParams; idempotencyKey?: string },
  ): Promise<{ ok: true; status: number; body: unknown } | { ok: false; status: number; error: ProviderErrorBody }> {
    const retryable = method === 'GET' || request.idempotencyKey !== undefined;
    const attempts = retryable ? this.maxAttempts : 1;
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.secretKey}`, accept: 'application/json' };
    if (request.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
    let problem = '';
    let lastStatus: number | undefined;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) await delay(this.retryDelayMs * 2 ** (attempt - 2));
      let status: number;
      let text: string;
      try {
        const response = await this.fetch(`${this.baseUrl}${path}`, {
          method,
          headers,
          body: request.form?.toString(),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        problem = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${this.timeoutMs} ms` : 'the connection failed';
        lastStatus = undefined;
        this.options.logger.warn('payment provider call failed', { method, path, attempt, problem, error: this.scrub(error instanceof Error ? error.message : String(error)) });
        continue;
      }
      if (status === 429 || status >= 500) {
        problem = `it answered ${status}`;
        lastStatus = status;
        this.options.logger.warn('payment provider call failed', { method, path, attempt, status });
        continue;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new PaymentProviderError('unavailable', `The payment provider answered ${status} with a body that is not JSON.`, status);
      }
      this.options.logger.debug('payment provider call', { method, path, attempt, status });
      if (status >= 200 && status < 300) return { ok: true, status, body };
      const error = isRecord(body) && isRecord(body.error) ? (body.error as ProviderErrorBody) : {};
      return { ok: false, status, error };
    }
    throw new PaymentProviderError('unavailable', `The payment provider could not be reached after ${attempts} attempt(s): ${problem}.`, lastStatus);
  }
}
