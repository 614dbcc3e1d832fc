import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LOCAL_PAYMENT_ACTIONS_PATH, LOCAL_SIGNATURE_HEADER, PAYMENT_WEBHOOK_PATH, signWebhookPayload } from '@academy/subgraph-commerce';
import { randomUUID } from 'node:crypto';
import { startStack, type TestStack } from './support/stack.js';

const WEBHOOK_SECRET = `whsec_local_${randomUUID()}`;
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ payments: { PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET } });
});

afterAll(async () => {
  await stack?.stop();
});

/** A local provider's event, signed with `secret`. */
function delivery(secret: string) {
  const rawBody = Buffer.from(JSON.stringify({ id: `evt_${randomUUID()}`, type: 'payment.succeeded', providerReference: 'pay_local_e2e', occurredAt: new Date().toISOString() }));
  return { rawBody, headers: { 'content-type': 'application/json', [LOCAL_SIGNATURE_HEADER]: signWebhookPayload(secret, rawBody) } };
}

const post = (body: Buffer, headers: Record<string, string>) => fetch(new URL(PAYMENT_WEBHOOK_PATH, stack.gateway.url), { method: 'POST', headers, body });

describe('POST /webhooks/payments on the gateway', () => {
  it('passes a signed delivery to commerce byte for byte, and its answer back', async () => {
    const { rawBody, headers } = delivery(WEBHOOK_SECRET);
    const answer = await post(rawBody, headers);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: true });
  });

  it('answers a forged or unsigned delivery with 400 and a generic message', async () => {
    const forged = delivery(`whsec_local_${randomUUID()}`);
    const refused = await post(forged.rawBody, forged.headers);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_webhook', message: 'The webhook could not be verified.' });
    expect((await post(forged.rawBody, { 'content-type': 'application/json' })).status).toBe(400);
    expect((await fetch(new URL(PAYMENT_WEBHOOK_PATH, stack.gateway.url))).status).toBe(405);
  });
});

describe('/payments/local/actions on the gateway', () => {
  it("reaches commerce's local second step with its query and form", async () => {
    const url = new URL(LOCAL_PAYMENT_ACTIONS_PATH, stack.gateway.url);
    url.searchParams.set('reference', 'not-a-reference');
    expect((await fetch(url)).status).toBe(400);
    const unknown = await fetch(new URL(LOCAL_PAYMENT_ACTIONS_PATH, stack.gateway.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `reference=pay_local_${'0'.repeat(24)}&outcome=approve`,
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'No payment has this reference.' });
  });
});
