import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '@academy/service-kit';
import { recordingLogger, startTestSubgraph, type LogLine, type TestSubgraph } from '@academy/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { loadCommerceConfig } from '../src/config.js';
import { LocalPaymentProvider } from '../src/payments/local-provider.js';
import { createPaymentProvider, paymentSettings } from '../src/payments/payment-config.js';
import { PaymentIntentsProvider, type PaymentIntentsProviderOptions } from '../src/payments/payment-intents-provider.js';
import { PaymentProviderError, WebhookVerificationError, type CreatePaymentInput, type ProviderWebhookEvent } from '../src/payments/payment-provider.js';
import { signWebhookPayload, verifyWebhookSignature } from '../src/payments/webhook-signature.js';
import type { PaymentEventHandler } from '../src/routes/payment-webhook.route.js';
import { buildCommerceSubgraph, LOCAL_PAYMENT_ACTIONS_PATH, PAYMENT_WEBHOOK_PATH } from '../src/server.js';
import { startPaymentIntentsServer, type PaymentIntentsServer } from './support/payment-intents-server.js';

const WEBHOOK_SECRET = 'whsec_local_test_0123456789abcdef';

function charge(paymentToken: string, overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  return {
    paymentId: randomUUID(),
    amountMinor: 7500,
    currency: 'GBP',
    paymentToken,
    description: 'Emergency First Aid at Work',
    metadata: { orderId: randomUUID(), reference: 'ORD-2026-000042' },
    ...overrides,
  };
}

/** The error a promise (or a function) ends with. */
async function failureOf(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

function localProvider() {
  return new LocalPaymentProvider({ webhookSecret: WEBHOOK_SECRET, webhookToleranceSeconds: 300, actionsUrl: 'http://localhost:4004/payments/local/actions' });
}

describe('webhook signatures (t=…,v1=… over "t.body")', () => {
  const body = Buffer.from('{"id":"evt_1"}');
  const now = new Date();
  const t = Math.floor(now.getTime() / 1000);
  const verify = (header: string | undefined, rawBody = body) => verifyWebhookSignature({ header, rawBody, secret: WEBHOOK_SECRET, toleranceSeconds: 300, now });
  const reason = async (header: string | undefined, rawBody = body) => ((await failureOf(() => verify(header, rawBody))) as WebhookVerificationError).reason;

  it('accepts a signature by the secret, also among other v1 entries (a secret being rolled)', () => {
    expect(() => verify(signWebhookPayload(WEBHOOK_SECRET, body, t))).not.toThrow();
    const old = signWebhookPayload('whsec_an_older_secret_000000', body, t).split(',')[1];
    expect(() => verify(`t=${t},${old},${signWebhookPayload(WEBHOOK_SECRET, body, t).split(',')[1]}`)).not.toThrow();
  });

  it('refuses forgeries, changed bodies, stale and future times, and unreadable headers', async () => {
    expect(await reason(signWebhookPayload('whsec_someone_else_0000000000', body, t))).toBe('signature');
    expect(await reason(signWebhookPayload(WEBHOOK_SECRET, body, t), Buffer.from('{"id":"evt_2"}'))).toBe('signature');
    // A replay of a genuine delivery after the tolerance, and a time from the future.
    expect(await reason(signWebhookPayload(WEBHOOK_SECRET, body, t - 301))).toBe('timestamp');
    expect(await reason(signWebhookPayload(WEBHOOK_SECRET, body, t + 301))).toBe('timestamp');
    // The signature of one time does not hold for another.
    const signature = signWebhookPayload(WEBHOOK_SECRET, body, t - 10).split(',')[1];
    expect(await reason(`t=${t},${signature}`)).toBe('signature');
    expect(await reason(undefined)).toBe('malformed');
    expect(await reason('v1=abc')).toBe('malformed');
    expect(await reason(`t=${t}`)).toBe('malformed');
    expect(await reason(`t=${t},t=${t},v1=00`)).toBe('malformed');
    expect(await reason(`t=soon,v1=00`)).toBe('malformed');
    const error = await failureOf(() => verify(signWebhookPayload('whsec_someone_else_0000000000', body, t)));
    expect(error.message).not.toContain(WEBHOOK_SECRET);
  });
});

describe('the local provider', () => {
  it('charges tok_ok, declines tok_declined, refuses unknown tokens, all without a network', async () => {
    const provider = localProvider();
    expect(await provider.createPayment(charge('tok_ok'))).toMatchObject({ status: 'SUCCEEDED', amountMinor: 7500, currency: 'GBP' });
    expect(await provider.createPayment(charge('tok_declined'))).toMatchObject({ status: 'FAILED', failureReason: 'card_declined' });
    expect(await provider.createPayment(charge('tok_nonsense'))).toMatchObject({ status: 'FAILED', failureReason: 'invalid_token' });
    expect(await failureOf(() => provider.createPayment(charge('tok_ok', { currency: 'gbp' })))).toMatchObject({ kind: 'invalid_request' });
    expect(await failureOf(() => provider.createPayment(charge('tok_ok', { amountMinor: 0 })))).toMatchObject({ kind: 'invalid_request' });
  });

  it('answers the same paymentId with the same payment, and refuses it with other parameters', async () => {
    const provider = localProvider();
    const input = charge('tok_ok');
    const [first, second] = await Promise.all([provider.createPayment(input), provider.createPayment(input)]);
    expect(second).toEqual(first);
    expect(await provider.createPayment({ ...input })).toEqual(first);
    expect(await failureOf(() => provider.createPayment({ ...input, amountMinor: 100 }))).toMatchObject({ kind: 'idempotency_conflict' });
    // Deterministic: another provider (another process) names the same payment the same way.
    expect((await localProvider().createPayment(input)).providerReference).toBe(first.providerReference);
  });

  it('asks tok_3ds (and tok_action) for a second step whose completion is a signed webhook', async () => {
    const provider = localProvider();
    const pending = await provider.createPayment(charge('tok_3ds'));
    expect(pending.status).toBe('REQUIRES_ACTION');
    expect(pending.nextActionUrl).toBe(`http://localhost:4004/payments/local/actions?reference=${pending.providerReference}`);
    expect((await provider.createPayment(charge('tok_action'))).status).toBe('REQUIRES_ACTION');

    const { payment, webhook } = provider.completeAction(pending.providerReference, 'approve');
    expect(payment.status).toBe('SUCCEEDED');
    const event = provider.parseWebhook(webhook.rawBody, webhook.headers);
    expect(event).toMatchObject({ type: 'payment.succeeded', providerReference: pending.providerReference });
    expect(await provider.retrievePayment(pending.providerReference)).toMatchObject({ status: 'SUCCEEDED' });
    // Completing it again redelivers the same event; ending it the other way is refused.
    const redelivery = provider.completeAction(pending.providerReference, 'approve').webhook;
    expect(redelivery.rawBody.equals(webhook.rawBody)).toBe(true);
    expect(provider.parseWebhook(redelivery.rawBody, redelivery.headers)).toEqual(event);
    expect(() => provider.completeAction(pending.providerReference, 'decline')).toThrow(PaymentProviderError);

    const declined = await provider.createPayment(charge('tok_3ds'));
    const failed = provider.completeAction(declined.providerReference, 'decline');
    expect(provider.parseWebhook(failed.webhook.rawBody, failed.webhook.headers)).toMatchObject({ type: 'payment.failed', failureReason: 'authentication_declined' });
    // Another provider's secret does not verify it.
    const stranger = new LocalPaymentProvider({ webhookSecret: 'whsec_local_other_000000000000', webhookToleranceSeconds: 300, actionsUrl: 'http://localhost/' });
    expect(() => stranger.parseWebhook(failed.webhook.rawBody, failed.webhook.headers)).toThrow(WebhookVerificationError);
  });

  it('refunds succeeded payments once per idempotency key, never beyond the amount', async () => {
    const provider = localProvider();
    const { providerReference } = await provider.createPayment(charge('tok_ok'));
    const key = randomUUID();
    const refund = await provider.refund({ providerReference, amountMinor: 5000, idempotencyKey: key });
    expect(refund.status).toBe('SUCCEEDED');
    expect(await provider.refund({ providerReference, amountMinor: 5000, idempotencyKey: key })).toEqual(refund);
    expect(await failureOf(() => provider.refund({ providerReference, amountMinor: 2501, idempotencyKey: randomUUID() }))).toMatchObject({ kind: 'invalid_request' });
    expect((await provider.refund({ providerReference, amountMinor: 2500, idempotencyKey: randomUUID() })).status).toBe('SUCCEEDED');
    const declined = await provider.createPayment(charge('tok_declined'));
    expect(await failureOf(() => provider.refund({ providerReference: declined.providerReference, amountMinor: 1, idempotencyKey: randomUUID() }))).toMatchObject({ kind: 'invalid_request' });
  });
});

describe('the PaymentIntents adapter against a PaymentIntents server over HTTP', () => {
  let server: PaymentIntentsServer;
  const lines: LogLine[] = [];
  const adapter = (options: Partial<PaymentIntentsProviderOptions> = {}) =>
    new PaymentIntentsProvider({
      apiUrl: server.url,
      secretKey: server.secretKey,
      webhookSecret: server.webhookSecret,
      webhookToleranceSeconds: 300,
      logger: recordingLogger(lines),
      retryDelayMs: 1,
      ...options,
    });

  beforeAll(async () => {
    server = await startPaymentIntentsServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('charges with a form-encoded, confirmed PaymentIntent, authorised by the secret key, keyed by our payment id', async () => {
    const input = charge('pm_card_visa');
    const result = await adapter().createPayment(input);
    expect(result).toMatchObject({ status: 'SUCCEEDED', amountMinor: 7500, currency: 'GBP' });
    expect(result.providerReference).toMatch(/^pi_/);
    const sent = server.requests.at(-1)!;
    expect(sent).toMatchObject({
      method: 'POST',
      path: '/v1/payment_intents',
      authorization: `Bearer ${server.secretKey}`,
      idempotencyKey: input.paymentId,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(sent.form).toMatchObject({
      amount: '7500',
      currency: 'gbp',
      payment_method: 'pm_card_visa',
      confirm: 'true',
      'metadata[orderId]': input.metadata.orderId,
      'metadata[reference]': 'ORD-2026-000042',
    });
    expect(await adapter().retrievePayment(result.providerReference)).toEqual(result);
  });

  it('answers a declined card as FAILED with the decline code, and a second step as REQUIRES_ACTION ending in a webhook', async () => {
    const declined = await adapter().createPayment(charge('pm_card_chargeDeclined'));
    expect(declined).toMatchObject({ status: 'FAILED', failureReason: 'generic_decline' });
    expect(server.intents.get(declined.providerReference)?.status).toBe('requires_payment_method');
    expect(await adapter().retrievePayment(declined.providerReference)).toMatchObject({ status: 'FAILED', failureReason: 'generic_decline' });

    const pending = await adapter().createPayment(charge('pm_card_threeDSecure2Required'));
    expect(pending.status).toBe('REQUIRES_ACTION');
    expect(pending.nextActionUrl).toBe(`${server.url}/authenticate/${pending.providerReference}`);
    const webhook = server.completeAction(pending.providerReference, 'approve');
    const event = adapter().parseWebhook(webhook.rawBody, webhook.headers);
    expect(event).toMatchObject({ type: 'payment.succeeded', providerReference: pending.providerReference });
    expect(event!.id).toMatch(/^evt_/);
    expect(await adapter().retrievePayment(pending.providerReference)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('charges once for the same payment id, even asked three times at once', async () => {
    const input = charge('pm_card_visa');
    const before = server.intents.size;
    const results = await Promise.all([adapter().createPayment(input), adapter().createPayment(input), adapter().createPayment(input)]);
    expect(new Set(results.map((result) => result.providerReference)).size).toBe(1);
    expect(server.intents.size - before).toBe(1);
    expect(await failureOf(() => adapter().createPayment({ ...input, amountMinor: 100 }))).toMatchObject({ kind: 'idempotency_conflict' });
  });

  it('retries a 5xx and a timeout with the same Idempotency-Key, and charges once', async () => {
    const input = charge('pm_card_visa');
    const before = server.intents.size;
    server.failNext(1, 500);
    expect((await adapter().createPayment(input)).status).toBe('SUCCEEDED');
    server.hangNext(1);
    const again = charge('pm_card_visa');
    expect((await adapter({ timeoutMs: 200 }).createPayment(again)).status).toBe('SUCCEEDED');
    const keys = server.requests.filter((request) => request.idempotencyKey === input.paymentId || request.idempotencyKey === again.paymentId).map((request) => request.idempotencyKey);
    expect(keys).toEqual([input.paymentId, input.paymentId, again.paymentId, again.paymentId]);
    expect(server.intents.size - before).toBe(2);
  });

  it('gives up after its attempts, and does not retry a refusal', async () => {
    const input = charge('pm_card_visa');
    server.failNext(3, 503);
    expect(await failureOf(() => adapter().createPayment(input))).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(server.requests.filter((request) => request.idempotencyKey === input.paymentId)).toHaveLength(3);
    const before = server.requests.length;
    expect(await failureOf(() => adapter().createPayment(charge('pm_card_unknown')))).toMatchObject({ kind: 'invalid_request', status: 400 });
    expect(server.requests.length - before).toBe(1);
    expect(await failureOf(() => adapter().retrievePayment('pi_missing'))).toMatchObject({ kind: 'invalid_request', status: 404 });
  });

  it('refunds part of a payment once per idempotency key, and not beyond it', async () => {
    const { providerReference } = await adapter().createPayment(charge('pm_card_visa'));
    const key = randomUUID();
    const refund = await adapter().refund({ providerReference, amountMinor: 2500, idempotencyKey: key });
    expect(refund).toMatchObject({ status: 'SUCCEEDED' });
    expect(server.requests.at(-1)).toMatchObject({ path: '/v1/refunds', idempotencyKey: key, form: { payment_intent: providerReference, amount: '2500' } });
    expect(await adapter().refund({ providerReference, amountMinor: 2500, idempotencyKey: key })).toEqual(refund);
    expect([...server.refunds.values()].filter((r) => r.payment_intent === providerReference)).toHaveLength(1);
    expect(await failureOf(() => adapter().refund({ providerReference, amountMinor: 5001, idempotencyKey: randomUUID() }))).toMatchObject({ kind: 'invalid_request' });
  });

  it('reads signed events it acts on, ignores other kinds, and refuses forged, stale and rolled-away secrets', () => {
    const provider = adapter();
    const refunded = server.signedEvent('refund.updated', { id: 're_1', object: 'refund', status: 'succeeded', payment_intent: 'pi_1' });
    expect(provider.parseWebhook(refunded.rawBody, refunded.headers)).toMatchObject({ type: 'refund.succeeded', providerReference: 're_1', paymentReference: 'pi_1' });
    const failed = server.signedEvent('payment_intent.payment_failed', { id: 'pi_2', last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' } });
    expect(provider.parseWebhook(failed.rawBody, failed.headers)).toMatchObject({ type: 'payment.failed', failureReason: 'insufficient_funds' });
    const other = server.signedEvent('customer.created', { id: 'cus_1' });
    expect(provider.parseWebhook(other.rawBody, other.headers)).toBeNull();
    const rolled = server.signedEvent('payment_intent.succeeded', { id: 'pi_3' }, { secrets: ['whsec_retired_secret_00000000', server.webhookSecret] });
    expect(provider.parseWebhook(rolled.rawBody, rolled.headers)).toMatchObject({ type: 'payment.succeeded', providerReference: 'pi_3' });
    const forged = server.signedEvent('payment_intent.succeeded', { id: 'pi_4' }, { secrets: ['whsec_forger_000000000000000'] });
    expect(() => provider.parseWebhook(forged.rawBody, forged.headers)).toThrow(expect.objectContaining({ reason: 'signature' }));
    const stale = server.signedEvent('payment_intent.succeeded', { id: 'pi_5' }, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(() => provider.parseWebhook(stale.rawBody, stale.headers)).toThrow(expect.objectContaining({ reason: 'timestamp' }));
  });

  it('never puts the secret key or the webhook secret into errors or log lines', async () => {
    lines.length = 0;
    const errors: Error[] = [];
    // A wrong key: the server echoes the key it was given in its error.
    const wrongKey = `sk_test_${randomUUID().replaceAll('-', '')}`;
    errors.push(await failureOf(() => adapter({ secretKey: wrongKey }).createPayment(charge('pm_card_visa'))));
    // A provider error whose text carries the configured secrets.
    server.failNext(1, 400, { error: { type: 'invalid_request_error', message: `bad request for ${server.secretKey} signed with ${server.webhookSecret}` } });
    errors.push(await failureOf(() => adapter().createPayment(charge('pm_card_visa'))));
    // Nobody listening, and a timeout.
    errors.push(await failureOf(() => adapter({ apiUrl: 'http://127.0.0.1:9' }).createPayment(charge('pm_card_visa'))));
    server.hangNext(2);
    errors.push(await failureOf(() => adapter({ timeoutMs: 100, maxAttempts: 2 }).retrievePayment('pi_x')));
    // A forged webhook.
    errors.push(await failureOf(() => adapter().parseWebhook(Buffer.from('{}'), { 'stripe-signature': 't=1,v1=00' })));

    expect(errors.map((error) => error.constructor)).toEqual([PaymentProviderError, PaymentProviderError, PaymentProviderError, PaymentProviderError, WebhookVerificationError]);
    expect(errors.map((error) => (error as PaymentProviderError).kind)).toEqual(['authentication', 'invalid_request', 'unavailable', 'unavailable', undefined]);
    expect(lines.length).toBeGreaterThan(0);
    const text = JSON.stringify([errors.map((error) => [error.message, error.stack, String(error)]), lines]);
    for (const secret of [server.secretKey, server.webhookSecret, wrongKey]) expect(text).not.toContain(secret);
    expect(errors[1]!.message).toContain('[redacted]');
  });
});

describe('payment settings', () => {
  const base = { DATABASE_URL: 'postgres://localhost/academy', GATEWAY_SECRET: 'g'.repeat(32) };

  it('default to the local provider with a 300 s webhook tolerance', () => {
    const config = loadCommerceConfig(base);
    expect(config).toMatchObject({ PAYMENT_PROVIDER: 'local', PAYMENT_WEBHOOK_TOLERANCE_SECONDS: 300, PAYMENT_LOCAL_ACTIONS_URL: 'http://localhost:4000/payments/local/actions' });
    expect(createPaymentProvider(config, { logger: recordingLogger([]) })).toBeInstanceOf(LocalPaymentProvider);
  });

  it('list every missing or invalid payment-intents setting at start-up, without echoing secrets', () => {
    const error = (() => {
      try {
        loadCommerceConfig({ ...base, PAYMENT_PROVIDER: 'payment-intents', PAYMENT_SECRET_KEY: 'sk_x', PAYMENT_WEBHOOK_TOLERANCE_SECONDS: '0' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['PAYMENT_API_URL', 'PAYMENT_SECRET_KEY', 'PAYMENT_WEBHOOK_SECRET', 'PAYMENT_WEBHOOK_TOLERANCE_SECONDS']);
    expect(error.message).not.toContain('sk_x');
    const settings = paymentSettings({ PAYMENT_PROVIDER: 'payment-intents', PAYMENT_API_URL: 'https://api.example', PAYMENT_SECRET_KEY: 'sk_test_12345678', PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET });
    expect(createPaymentProvider(settings, { logger: recordingLogger([]) })).toBeInstanceOf(PaymentIntentsProvider);
  });
});

describe('commerce: POST /webhooks/payments and the local second step', () => {
  let subgraph: TestSubgraph<ReturnType<typeof buildCommerceSubgraph>>;
  const processed: ProviderWebhookEvent[] = [];
  const seen = new Set<string>();
  let failNextEvent = false;
  // Stands in for the orders' handler: idempotent by event id, as PaymentEventHandler requires.
  const onPaymentEvent: PaymentEventHandler = async (event) => {
    if (failNextEvent) {
      failNextEvent = false;
      throw new Error('database unavailable');
    }
    if (seen.has(event.id)) return 'duplicate';
    seen.add(event.id);
    processed.push(event);
    return 'processed';
  };

  beforeAll(async () => {
    subgraph = await startTestSubgraph(
      (options) => buildCommerceSubgraph({ ...options, payments: paymentSettings({ PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET }), onPaymentEvent }),
      'academy_commerce',
    );
  });
  afterAll(async () => {
    await subgraph?.stop();
  });

  const at = (path: string) => new URL(path, subgraph.url).toString();
  const deliver = (rawBody: Buffer | string, headers: Record<string, string>) => fetch(at(PAYMENT_WEBHOOK_PATH), { method: 'POST', headers, body: rawBody });
  const localEvent = (event: Record<string, unknown>, secret = WEBHOOK_SECRET, timestamp?: number) => {
    const rawBody = Buffer.from(JSON.stringify({ occurredAt: new Date().toISOString(), ...event }));
    return { rawBody, headers: { 'content-type': 'application/json', 'local-payment-signature': signWebhookPayload(secret, rawBody, timestamp) } };
  };

  it('completes a second step through the same webhook path, and records a payment confirmed twice once', async () => {
    const provider = subgraph.service.paymentProvider;
    const pending = await provider.createPayment(charge('tok_3ds'));
    expect(pending.status).toBe('REQUIRES_ACTION');
    const reference = pending.providerReference;
    const page = await fetch(at(`${LOCAL_PAYMENT_ACTIONS_PATH}?reference=${reference}`));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="outcome" value="approve"');

    const complete = () =>
      fetch(at(LOCAL_PAYMENT_ACTIONS_PATH), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `reference=${reference}&outcome=approve` });
    const first = await complete();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ reference, status: 'SUCCEEDED', webhook: { status: 200 } });
    const [again, twice] = await Promise.all([complete(), complete()]);
    expect([again.status, twice.status]).toEqual([200, 200]);
    expect(processed.filter((event) => event.providerReference === reference)).toEqual([expect.objectContaining({ type: 'payment.succeeded', providerReference: reference })]);
    expect(await provider.retrievePayment(reference)).toMatchObject({ status: 'SUCCEEDED' });

    const declineAfterApprove = await fetch(at(LOCAL_PAYMENT_ACTIONS_PATH), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reference, outcome: 'decline' }) });
    expect(declineAfterApprove.status).toBe(409);
    const unknown = await fetch(at(LOCAL_PAYMENT_ACTIONS_PATH), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reference: `pay_local_${'0'.repeat(24)}`, outcome: 'approve' }) });
    expect(unknown.status).toBe(404);
  });

  it('acknowledges a verified event, and the same event delivered again (also at once) is processed once', async () => {
    const delivery = localEvent({ id: `evt_${randomUUID()}`, type: 'payment.failed', providerReference: 'pay_local_x', failureReason: 'card_declined' });
    const answers = await Promise.all([1, 2, 3, 4].map(() => deliver(delivery.rawBody, delivery.headers)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const bodies = await Promise.all(answers.map((answer) => answer.json() as Promise<Record<string, unknown>>));
    expect(bodies.filter((body) => body.duplicate === true)).toHaveLength(3);
    expect(processed.filter((event) => event.providerReference === 'pay_local_x')).toEqual([expect.objectContaining({ type: 'payment.failed', failureReason: 'card_declined' })]);
  });

  it('refuses forged, tampered, replayed-late and unsigned deliveries with 400 and a generic message', async () => {
    const before = processed.length;
    const event = { id: `evt_${randomUUID()}`, type: 'payment.succeeded', providerReference: 'pay_local_y' };
    const forged = localEvent(event, 'whsec_local_forger_0000000000000');
    const stale = localEvent(event, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 301);
    const genuine = localEvent(event);
    const tampered = { rawBody: Buffer.from(genuine.rawBody.toString().replace('pay_local_y', 'pay_local_z')), headers: genuine.headers };
    for (const delivery of [forged, stale, tampered, { rawBody: genuine.rawBody, headers: { 'content-type': 'application/json' } }]) {
      const answer = await deliver(delivery.rawBody, delivery.headers);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({ error: 'invalid_webhook', message: 'The webhook could not be verified.' });
    }
    expect(processed.length).toBe(before);
    expect((await fetch(at(PAYMENT_WEBHOOK_PATH))).status).toBe(405);
  });

  it('answers 500 when the event cannot be processed, so the provider delivers it again', async () => {
    const delivery = localEvent({ id: `evt_${randomUUID()}`, type: 'payment.succeeded', providerReference: 'pay_local_w' });
    failNextEvent = true;
    expect((await deliver(delivery.rawBody, delivery.headers)).status).toBe(500);
    expect((await deliver(delivery.rawBody, delivery.headers)).status).toBe(200);
    expect(processed.filter((event) => event.providerReference === 'pay_local_w')).toHaveLength(1);
  });
});
