// Webhook signatures in the scheme PaymentIntents-style providers use (Stripe's): a header
// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, several v1 entries allowed (the
// provider signs with old and new secrets while a secret is rolled). The timestamp is signed
// with the body, so an old delivery cannot be given a fresh time: a replay is refused once it is
// older than the tolerance, and within it the event id makes it a duplicate (processed once).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError, type WebhookHeaders } from './payment-provider.js';

/** Default allowed distance between a signature's time and ours, in seconds. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, timestamp: number, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The signature header value for `rawBody` signed at `timestamp` (unix seconds). */
export function signWebhookPayload(secret: string, rawBody: Buffer, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, rawBody)}`;
}

/** One header's value (the first, if sent more than once), or undefined. */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies a signature header against the raw body with `secret`: throws
 * WebhookVerificationError when the header is missing or unreadable, the time is further than
 * `toleranceSeconds` from `now` either way, or no v1 entry matches (compared in constant time).
 * The messages name the problem, never the secret or the expected signature.
 */
export function verifyWebhookSignature(options: {
  header: string | undefined;
  rawBody: Buffer;
  secret: string;
  toleranceSeconds: number;
  now?: Date;
}): void {
  const { header, rawBody, secret, toleranceSeconds } = options;
  if (!header) throw new WebhookVerificationError('malformed', 'The signature header is missing.');
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    const key = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) throw new WebhookVerificationError('malformed', 'The signature header has no single valid timestamp.');
      timestamp = Number(value);
    } else if (key === 'v1') {
      candidates.push(value);
    }
  }
  if (timestamp === undefined) throw new WebhookVerificationError('malformed', 'The signature header has no timestamp.');
  if (candidates.length === 0) throw new WebhookVerificationError('malformed', 'The signature header has no v1 signature.');
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp', 'The signature timestamp is outside the tolerance.');
  }
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  const matches = candidates.some((candidate) => {
    if (!/^[0-9a-f]+$/i.test(candidate) || candidate.length !== expected.length * 2) return false;
    return timingSafeEqual(Buffer.from(candidate, 'hex'), expected);
  });
  if (!matches) throw new WebhookVerificationError('signature', 'No signature matches the body.');
}

/** The body as JSON, or a WebhookVerificationError (malformed) when it is not. */
export function parseWebhookJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('malformed', 'The body is not JSON.');
  }
}
