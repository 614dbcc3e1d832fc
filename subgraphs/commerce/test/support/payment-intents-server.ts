// A local HTTP server speaking the PaymentIntents protocol (the subset commerce's adapter uses),
// on a free port: real HTTP, so the adapter's requests, retries and timeouts are the ones it
// would make to a provider. It keeps its intents and refunds in memory, replays answers by
// Idempotency-Key as providers do, and signs the webhooks it builds.
//
// Test payment methods (named as Stripe's): pm_card_visa succeeds, pm_card_chargeDeclined is
// declined (402 card_error), pm_card_threeDSecure2Required needs a second step.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhookPayload } from '../../src/payments/webhook-signature.js';

/** One request the server received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

interface Intent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  description: string | null;
  metadata: Record<string, string>;
  payment_method: string;
  last_payment_error: { type: string; code: string; decline_code?: string } | null;
  next_action: { type: string; redirect_to_url: { url: string; return_url: string } } | null;
}

interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  payment_intent: string;
  status: string;
}

export interface PaymentIntentsServer {
  /** Base URL of the API (…/v1/... below it). */
  url: string;
  secretKey: string;
  webhookSecret: string;
  requests: ReceivedRequest[];
  /** Intents created (each a charge attempt); a replayed Idempotency-Key creates none. */
  intents: Map<string, Intent>;
  refunds: Map<string, Refund>;
  /** The next `count` requests are answered with `status` (and `body`) before anything is done. */
  failNext(count: number, status: number, body?: unknown): void;
  /** The next `count` requests get no answer at all (until the server stops). */
  hangNext(count: number): void;
  /** Ends a requires_action intent's second step and answers the webhook the provider sends about it. */
  completeAction(intentId: string, outcome: 'approve' | 'decline'): { rawBody: Buffer; headers: Record<string, string> };
  /** A signed event delivery: `secrets` signs with each (several v1 entries), `timestamp` in unix seconds. */
  signedEvent(type: string, object: Record<string, unknown>, options?: { secrets?: string[]; timestamp?: number; id?: string }): { rawBody: Buffer; headers: Record<string, string> };
  stop(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const stripeError = (type: string, code: string, message: string, extra: Record<string, unknown> = {}) => ({ error: { type, code, message, ...extra } });

/** Starts the server on 127.0.0.1 and a free port. */
export async function startPaymentIntentsServer(options: { secretKey?: string; webhookSecret?: string } = {}): Promise<PaymentIntentsServer> {
  const secretKey = options.secretKey ?? `sk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(16).toString('hex')}`;
  const requests: ReceivedRequest[] = [];
  const intents = new Map<string, Intent>();
  const refunds = new Map<string, Refund>();
  /** Answers already given, by Idempotency-Key: the same request gets the same answer. */
  const replays = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  const failures: { status: number; body: unknown }[] = [];
  let hanging = 0;
  let url = '';

  function createIntent(form: Record<string, string>): { status: number; body: unknown } {
    const amount = Number(form.amount);
    if (!Number.isInteger(amount) || amount <= 0) return { status: 400, body: stripeError('invalid_request_error', 'parameter_invalid_integer', 'Invalid amount.') };
    if (!/^[a-z]{3}$/.test(form.currency ?? '')) return { status: 400, body: stripeError('invalid_request_error', 'parameter_invalid', 'Invalid currency.') };
    if (form.confirm !== 'true') return { status: 400, body: stripeError('invalid_request_error', 'parameter_missing', 'This server only confirms at once (confirm=true).') };
    const method = form.payment_method ?? '';
    if (!['pm_card_visa', 'pm_card_chargeDeclined', 'pm_card_threeDSecure2Required'].includes(method)) {
      return { status: 400, body: stripeError('invalid_request_error', 'resource_missing', `No such PaymentMethod: '${method}'`) };
    }
    const metadata = Object.fromEntries(Object.entries(form).flatMap(([key, value]) => {
      const match = /^metadata\[(.+)\]$/.exec(key);
      return match ? [[match[1]!, value]] : [];
    }));
    const intent: Intent = {
      id: id('pi'),
      object: 'payment_intent',
      amount,
      currency: form.currency!,
      status: 'succeeded',
      description: form.description ?? null,
      metadata,
      payment_method: method,
      last_payment_error: null,
      next_action: null,
    };
    intents.set(intent.id, intent);
    if (method === 'pm_card_chargeDeclined') {
      intent.status = 'requires_payment_method';
      intent.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' };
      return { status: 402, body: stripeError('card_error', 'card_declined', 'Your card was declined.', { decline_code: 'generic_decline', payment_intent: intent }) };
    }
    if (method === 'pm_card_threeDSecure2Required') {
      intent.status = 'requires_action';
      intent.next_action = { type: 'redirect_to_url', redirect_to_url: { url: `${url}/authenticate/${intent.id}`, return_url: 'https://academy.example/return' } };
    }
    return { status: 200, body: intent };
  }

  function createRefund(form: Record<string, string>): { status: number; body: unknown } {
    const intent = intents.get(form.payment_intent ?? '');
    if (!intent) return { status: 400, body: stripeError('invalid_request_error', 'resource_missing', `No such payment_intent: '${form.payment_intent ?? ''}'`) };
    if (intent.status !== 'succeeded') return { status: 400, body: stripeError('invalid_request_error', 'charge_not_refundable', 'This payment has not succeeded.') };
    const refunded = [...refunds.values()].filter((refund) => refund.payment_intent === intent.id).reduce((sum, refund) => sum + refund.amount, 0);
    const amount = form.amount === undefined ? intent.amount - refunded : Number(form.amount);
    if (!Number.isInteger(amount) || amount <= 0 || refunded + amount > intent.amount) {
      return { status: 400, body: stripeError('invalid_request_error', 'amount_too_large', 'Refund amount is greater than what is left of the charge.') };
    }
    const refund: Refund = { id: id('re'), object: 'refund', amount, payment_intent: intent.id, status: 'succeeded' };
    refunds.set(refund.id, refund);
    return { status: 200, body: refund };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    const form = Object.fromEntries(new URLSearchParams(text));
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, idempotencyKey, contentType: req.headers['content-type'], form });
    if (hanging > 0) {
      hanging -= 1;
      return;
    }
    const failure = failures.shift();
    if (failure) return send(res, failure.status, failure.body);
    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      const presented = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      return send(res, 401, stripeError('invalid_request_error', 'api_key_invalid', `Invalid API Key provided: ${presented}`));
    }
    const answer = (compute: () => { status: number; body: unknown }) => {
      if (!idempotencyKey) {
        const { status, body } = compute();
        return send(res, status, body);
      }
      const fingerprint = `${req.method} ${path} ${text}`;
      const previous = replays.get(idempotencyKey);
      if (previous && previous.fingerprint !== fingerprint) {
        return send(res, 400, stripeError('idempotency_error', 'idempotency_key_in_use', 'Keys for idempotent requests can only be used with the same parameters they were first used with.'));
      }
      const result = previous ?? { fingerprint, ...compute() };
      replays.set(idempotencyKey, result);
      send(res, result.status, result.body);
    };
    if (req.method === 'POST' && path === '/v1/payment_intents') return answer(() => createIntent(form));
    if (req.method === 'POST' && path === '/v1/refunds') return answer(() => createRefund(form));
    const intentPath = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && intentPath) {
      const intent = intents.get(decodeURIComponent(intentPath[1]!));
      return intent ? send(res, 200, intent) : send(res, 404, stripeError('invalid_request_error', 'resource_missing', 'No such payment_intent.'));
    }
    send(res, 404, stripeError('invalid_request_error', 'resource_missing', 'Unrecognized request URL.'));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, stripeError('api_error', 'internal', 'Server error.')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signedEvent: PaymentIntentsServer['signedEvent'] = (type, object, eventOptions = {}) => {
    const timestamp = eventOptions.timestamp ?? Math.floor(Date.now() / 1000);
    const rawBody = Buffer.from(JSON.stringify({ id: eventOptions.id ?? id('evt'), object: 'event', type, created: timestamp, data: { object } }));
    const signatures = (eventOptions.secrets ?? [webhookSecret]).map((secret) => signWebhookPayload(secret, rawBody, timestamp).split(',')[1]!);
    return { rawBody, headers: { 'content-type': 'application/json', 'stripe-signature': [`t=${timestamp}`, ...signatures].join(',') } };
  };

  return {
    url,
    secretKey,
    webhookSecret,
    requests,
    intents,
    refunds,
    failNext(count, status, body = stripeError('api_error', 'internal', 'Something went wrong on the provider.')) {
      for (let i = 0; i < count; i += 1) failures.push({ status, body });
    },
    hangNext(count) {
      hanging += count;
    },
    completeAction(intentId, outcome) {
      const intent = intents.get(intentId);
      if (!intent || intent.status !== 'requires_action') throw new Error(`no intent awaiting action: ${intentId}`);
      intent.next_action = null;
      if (outcome === 'approve') {
        intent.status = 'succeeded';
        return signedEvent('payment_intent.succeeded', { ...intent });
      }
      intent.status = 'requires_payment_method';
      intent.last_payment_error = { type: 'card_error', code: 'authentication_required' };
      return signedEvent('payment_intent.payment_failed', { ...intent });
    },
    signedEvent,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
