// What commerce asks of a payment provider, whichever one is configured: charge, look up,
// refund, and verify the webhooks it sends. Amounts are integer minor units with an ISO 4217
// code. Nothing here carries card details: the client hands a token to the provider, and
// commerce only ever sees that token and the provider's reference.

/** Where a payment (or a refund) stands at the provider. */
export type PaymentStatus =
  /** Charged (or refunded). */
  | 'SUCCEEDED'
  /** Not charged: declined, invalid token, cancelled; `failureReason` says which. */
  | 'FAILED'
  /** The customer must complete a second step (e.g. 3-D Secure) at `nextActionUrl`; a webhook tells the outcome. */
  | 'REQUIRES_ACTION'
  /** The provider is still working on it; a webhook tells the outcome. */
  | 'PENDING';

/** A charge commerce asks the provider to make. */
export interface CreatePaymentInput {
  /** Our payment's id (UUID); the provider's idempotency key, so a retried call never charges twice. */
  paymentId: string;
  /** Positive, in the currency's minor units. */
  amountMinor: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** The token the client got from the provider for the customer's card. */
  paymentToken: string;
  /** Shown on the customer's statement or the provider's dashboard. */
  description: string;
  /** Kept by the provider with the payment, so its dashboard and webhooks lead back to the order. */
  metadata: { orderId: string; reference: string };
}

/** What the provider answered about a payment. */
export interface PaymentResult {
  status: PaymentStatus;
  /** The provider's id of the payment (e.g. a PaymentIntent id). */
  providerReference: string;
  amountMinor: number;
  currency: string;
  /** Set when FAILED: a short machine-readable reason such as card_declined or invalid_token. */
  failureReason?: string;
  /** Set when REQUIRES_ACTION: where the customer completes the second step. */
  nextActionUrl?: string;
}

/** A refund commerce asks for. */
export interface RefundInput {
  /** The payment to refund. */
  providerReference: string;
  /** Positive, at most what is left of the payment, in its minor units. */
  amountMinor: number;
  /** Our refund's id: the provider's idempotency key, so a retried call never refunds twice. */
  idempotencyKey: string;
}

/** What the provider answered about a refund. */
export interface RefundResult {
  status: Exclude<PaymentStatus, 'REQUIRES_ACTION'>;
  providerRefundReference: string;
  /** Set when FAILED. */
  failureReason?: string;
}

/** The kinds of provider events commerce acts on. */
export type ProviderWebhookEventType = 'payment.succeeded' | 'payment.failed' | 'refund.succeeded' | 'refund.failed';

/** A webhook event whose signature and timestamp have been verified. */
export interface ProviderWebhookEvent {
  /** The provider's event id: the same event delivered again has the same id (processed once). */
  id: string;
  type: ProviderWebhookEventType;
  /** The payment's reference for payment events, the refund's for refund events. */
  providerReference: string;
  /** For refund events: the refunded payment's reference. */
  paymentReference?: string;
  /** Set for payment.failed and refund.failed. */
  failureReason?: string;
  occurredAt: Date;
}

/** A request's headers as node:http gives them (lower-case names). */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** A payment provider. Implementations never put their secrets into errors or log lines. */
export interface PaymentProvider {
  /** `local` or `payment-intents`. */
  readonly name: string;
  /** Charges a token; calling it again with the same paymentId answers the same payment without charging again. */
  createPayment(input: CreatePaymentInput): Promise<PaymentResult>;
  /** The payment's current state at the provider. */
  retrievePayment(providerReference: string): Promise<PaymentResult>;
  /** Refunds part or all of a payment; the same idempotencyKey again answers the same refund. */
  refund(input: RefundInput): Promise<RefundResult>;
  /**
   * Verifies a webhook delivery (signature over the raw body, timestamp within tolerance) and
   * reads its event: null for a verified event of a kind commerce does not act on. Throws
   * WebhookVerificationError when the delivery cannot be trusted.
   */
  parseWebhook(rawBody: Buffer, headers: WebhookHeaders): ProviderWebhookEvent | null;
}

/** Why a webhook delivery was refused. */
export type WebhookRefusal = 'malformed' | 'signature' | 'timestamp';

/** A webhook delivery that cannot be trusted: forged, replayed after the tolerance, or unreadable. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly reason: WebhookRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** What went wrong talking to a provider, in terms a caller can act on. */
export type PaymentProviderErrorKind =
  /** The request itself is wrong (amount, currency, unknown reference): retrying it will not help. */
  | 'invalid_request'
  /** The same idempotency key was used before with different parameters. */
  | 'idempotency_conflict'
  /** The provider refused our credentials: a configuration problem. */
  | 'authentication'
  /** The provider could not be reached, timed out or kept failing: try again later with the same key. */
  | 'unavailable';

/**
 * A provider call that failed without an answer about the payment. Its message never carries
 * the provider's secrets (API key, webhook secret).
 */
export class PaymentProviderError extends Error {
  constructor(
    readonly kind: PaymentProviderErrorKind,
    message: string,
    /** The provider's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PaymentProviderError';
  }
}

/** Checks what every provider requires of a charge before anything is sent. */
export function checkPaymentInput(input: CreatePaymentInput): void {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    throw new PaymentProviderError('invalid_request', 'amountMinor must be a positive integer.');
  }
  if (!/^[A-Z]{3}$/.test(input.currency)) throw new PaymentProviderError('invalid_request', 'currency must be an ISO 4217 code in upper case.');
  if (!input.paymentId) throw new PaymentProviderError('invalid_request', 'paymentId is required.');
}

/** Checks a refund's amount before anything is sent. */
export function checkRefundInput(input: RefundInput): void {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    throw new PaymentProviderError('invalid_request', 'amountMinor must be a positive integer.');
  }
  if (!input.idempotencyKey) throw new PaymentProviderError('invalid_request', 'idempotencyKey is required.');
}
