// The local payment provider: the default, and the one tests and the demo use. No network and
// no real money: the payment token decides the outcome, deterministically. Payments live in this
// process's memory (a restart forgets them), which is all a provider standing in for a real one
// needs. Its second step (3-D Secure and the like) ends in a signed webhook delivered to the
// same handler a real provider's webhooks reach, so that path is exercised end to end.
import { createHash, randomUUID } from 'node:crypto';
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
import { headerValue, parseWebhookJson, signWebhookPayload, verifyWebhookSignature } from './webhook-signature.js';

/** The test tokens and what each does. */
export const LocalPaymentToken = {
  /** Succeeds at once. */
  SUCCEEDS: 'tok_ok',
  /** Is declined (failureReason card_declined). */
  DECLINED: 'tok_declined',
  /** Needs a second step, completed by `completeAction` (approve or decline). */
  REQUIRES_ACTION: 'tok_3ds',
} as const;

/** Another name for tok_3ds. */
const ACTION_ALIAS = 'tok_action';

/** The header the local provider signs its webhooks in. */
export const LOCAL_SIGNATURE_HEADER = 'local-payment-signature';

/** How the customer ends a second step. */
export type LocalActionOutcome = 'approve' | 'decline';

/** A webhook delivery as it would arrive over HTTP: raw body and headers. */
export interface WebhookDelivery {
  rawBody: Buffer;
  headers: Record<string, string>;
}

export interface LocalPaymentProviderOptions {
  /** Signs and verifies the provider's webhooks. */
  webhookSecret: string;
  webhookToleranceSeconds: number;
  /** Where a second step is completed (nextActionUrl is this with ?reference=…). */
  actionsUrl: string;
}

interface LocalPayment {
  input: CreatePaymentInput;
  /** The answer to createPayment, given again for the same paymentId. */
  first: PaymentResult;
  current: PaymentResult;
  refundedMinor: number;
  /** How the second step ended, and when, once it has. */
  outcome?: LocalActionOutcome;
  completedAt?: Date;
}

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 24);

/** The payment provider that needs nothing outside this process. */
export class LocalPaymentProvider implements PaymentProvider {
  readonly name = 'local';
  private readonly byPaymentId = new Map<string, LocalPayment>();
  private readonly byReference = new Map<string, LocalPayment>();
  private readonly refunds = new Map<string, { input: RefundInput; result: RefundResult }>();

  constructor(private readonly options: LocalPaymentProviderOptions) {}

  async createPayment(input: CreatePaymentInput): Promise<PaymentResult> {
    checkPaymentInput(input);
    const known = this.byPaymentId.get(input.paymentId);
    if (known) {
      const same = known.input.amountMinor === input.amountMinor && known.input.currency === input.currency && known.input.paymentToken === input.paymentToken;
      if (!same) throw new PaymentProviderError('idempotency_conflict', 'This paymentId was used before with a different amount, currency or token.');
      return { ...known.first };
    }
    const providerReference = `pay_local_${digest(input.paymentId)}`;
    const base = { providerReference, amountMinor: input.amountMinor, currency: input.currency };
    let first: PaymentResult;
    switch (input.paymentToken) {
      case LocalPaymentToken.SUCCEEDS:
        first = { ...base, status: 'SUCCEEDED' };
        break;
      case LocalPaymentToken.DECLINED:
        first = { ...base, status: 'FAILED', failureReason: 'card_declined' };
        break;
      case LocalPaymentToken.REQUIRES_ACTION:
      case ACTION_ALIAS: {
        const url = new URL(this.options.actionsUrl);
        url.searchParams.set('reference', providerReference);
        first = { ...base, status: 'REQUIRES_ACTION', nextActionUrl: url.toString() };
        break;
      }
      default:
        first = { ...base, status: 'FAILED', failureReason: 'invalid_token' };
    }
    const payment: LocalPayment = { input, first, current: first, refundedMinor: 0 };
    this.byPaymentId.set(input.paymentId, payment);
    this.byReference.set(providerReference, payment);
    return { ...first };
  }

  async retrievePayment(providerReference: string): Promise<PaymentResult> {
    return { ...this.payment(providerReference).current };
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    checkRefundInput(input);
    const known = this.refunds.get(input.idempotencyKey);
    if (known) {
      if (known.input.providerReference !== input.providerReference || known.input.amountMinor !== input.amountMinor) {
        throw new PaymentProviderError('idempotency_conflict', 'This idempotencyKey was used before for a different refund.');
      }
      return { ...known.result };
    }
    const payment = this.payment(input.providerReference);
    if (payment.current.status !== 'SUCCEEDED') throw new PaymentProviderError('invalid_request', 'Only a succeeded payment can be refunded.');
    if (payment.refundedMinor + input.amountMinor > payment.current.amountMinor) {
      throw new PaymentProviderError('invalid_request', 'The refund is larger than what is left of the payment.');
    }
    payment.refundedMinor += input.amountMinor;
    const result: RefundResult = { status: 'SUCCEEDED', providerRefundReference: `re_local_${digest(input.idempotencyKey)}` };
    this.refunds.set(input.idempotencyKey, { input, result });
    return { ...result };
  }

  /**
   * Ends a payment's second step as the customer chose, and answers the payment and the signed
   * webhook the provider sends about it (to be handed to the webhook handler). Completing it
   * again the same way answers the same webhook (same event id), as a provider's retried
   * delivery would be; the other way is refused.
   */
  completeAction(providerReference: string, outcome: LocalActionOutcome): { payment: PaymentResult; webhook: WebhookDelivery } {
    const payment = this.payment(providerReference);
    if (payment.first.status !== 'REQUIRES_ACTION') throw new PaymentProviderError('invalid_request', 'This payment has no second step.');
    if (payment.outcome && payment.outcome !== outcome) throw new PaymentProviderError('invalid_request', `The second step was already ended (${payment.outcome}).`);
    if (!payment.outcome) {
      payment.outcome = outcome;
      payment.completedAt = new Date();
      const { nextActionUrl: _done, ...rest } = payment.first;
      payment.current = outcome === 'approve' ? { ...rest, status: 'SUCCEEDED' } : { ...rest, status: 'FAILED', failureReason: 'authentication_declined' };
    }
    const event = {
      id: `evt_local_${digest(`${providerReference}:${outcome}`)}`,
      type: outcome === 'approve' ? 'payment.succeeded' : 'payment.failed',
      providerReference,
      ...(payment.current.failureReason ? { failureReason: payment.current.failureReason } : {}),
      occurredAt: (payment.completedAt ?? new Date()).toISOString(),
    };
    const rawBody = Buffer.from(JSON.stringify(event));
    return {
      payment: { ...payment.current },
      webhook: { rawBody, headers: { 'content-type': 'application/json', [LOCAL_SIGNATURE_HEADER]: signWebhookPayload(this.options.webhookSecret, rawBody) } },
    };
  }

  parseWebhook(rawBody: Buffer, headers: WebhookHeaders): ProviderWebhookEvent | null {
    verifyWebhookSignature({
      header: headerValue(headers, LOCAL_SIGNATURE_HEADER),
      rawBody,
      secret: this.options.webhookSecret,
      toleranceSeconds: this.options.webhookToleranceSeconds,
    });
    const body = parseWebhookJson(rawBody) as Record<string, unknown> | null;
    const id = body?.id;
    const type = body?.type;
    const providerReference = body?.providerReference;
    const occurredAt = typeof body?.occurredAt === 'string' ? new Date(body.occurredAt) : undefined;
    if (typeof id !== 'string' || typeof providerReference !== 'string' || !occurredAt || Number.isNaN(occurredAt.getTime())) {
      throw new WebhookVerificationError('malformed', 'The event lacks id, providerReference or occurredAt.');
    }
    if (type !== 'payment.succeeded' && type !== 'payment.failed') return null;
    const failureReason = typeof body?.failureReason === 'string' ? body.failureReason : undefined;
    return { id, type, providerReference, occurredAt, ...(failureReason ? { failureReason } : {}) };
  }

  private payment(providerReference: string): LocalPayment {
    const payment = this.byReference.get(providerReference);
    if (!payment) throw new PaymentProviderError('invalid_request', 'No payment has this reference.', 404);
    return payment;
  }
}

/** A webhook secret for a local provider when none is configured: good for this process only. */
export function ephemeralWebhookSecret(): string {
  return `whsec_local_${randomUUID().replaceAll('-', '')}`;
}
