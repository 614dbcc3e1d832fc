// Which payment provider commerce uses and how it reaches it. Read once at start-up with the
// rest of commerce's configuration (../config.ts); every problem is listed together.
import { loadConfig, withoutEmptyValues, z, type Logger } from '@academy/service-kit';
import { ephemeralWebhookSecret, LocalPaymentProvider } from './local-provider.js';
import { PaymentIntentsProvider } from './payment-intents-provider.js';
import type { PaymentProvider } from './payment-provider.js';
import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS } from './webhook-signature.js';

/** The gateway's default address: customers reach the local provider's second step through it. */
export const DEFAULT_LOCAL_ACTIONS_URL = 'http://localhost:4000/payments/local/actions';

/** The providers PAYMENT_PROVIDER may name. */
export const PAYMENT_PROVIDERS = ['local', 'payment-intents'] as const;

/** The payment settings, with their defaults. */
export const paymentSettingsShape = {
  /** `local` (default: no network, test tokens) or `payment-intents` (a PaymentIntents-style HTTP API). */
  PAYMENT_PROVIDER: z.enum(PAYMENT_PROVIDERS).default('local'),
  /** The provider's API base URL, e.g. https://api.stripe.com; required for payment-intents. */
  PAYMENT_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** The provider's secret API key; required for payment-intents. Never logged. */
  PAYMENT_SECRET_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
  /** The secret webhooks are signed with; required for payment-intents (local: one per process unless set). Never logged. */
  PAYMENT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How far a webhook's signed time may be from ours, in seconds, before it is refused as stale or from the future. */
  PAYMENT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(DEFAULT_WEBHOOK_TOLERANCE_SECONDS),
  /** Longest wait for one answer of the provider, in milliseconds. */
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Local provider: where customers complete a second step (the gateway forwards it to commerce). */
  PAYMENT_LOCAL_ACTIONS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(DEFAULT_LOCAL_ACTIONS_URL),
};

/** payment-intents needs its URL and both secrets: each missing one is its own problem. */
export function checkPaymentSettings(
  settings: { PAYMENT_PROVIDER: string; PAYMENT_API_URL?: string | undefined; PAYMENT_SECRET_KEY?: string | undefined; PAYMENT_WEBHOOK_SECRET?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (settings.PAYMENT_PROVIDER !== 'payment-intents') return;
  for (const name of ['PAYMENT_API_URL', 'PAYMENT_SECRET_KEY', 'PAYMENT_WEBHOOK_SECRET'] as const) {
    if (settings[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when PAYMENT_PROVIDER=payment-intents' });
  }
}

/** The payment settings alone. */
export const paymentSettingsSchema = z.object(paymentSettingsShape).superRefine(checkPaymentSettings);
export type PaymentSettings = z.output<typeof paymentSettingsSchema>;

/** Payment settings from environment-like values, defaults for the rest (tests, embedding). */
export function paymentSettings(env: Record<string, string | undefined> = {}): Readonly<PaymentSettings> {
  return loadConfig(paymentSettingsSchema, withoutEmptyValues(env));
}

/** The provider the settings choose. */
export function createPaymentProvider(settings: Readonly<PaymentSettings>, context: { logger: Logger }): PaymentProvider {
  const tolerance = settings.PAYMENT_WEBHOOK_TOLERANCE_SECONDS;
  if (settings.PAYMENT_PROVIDER === 'local') {
    return new LocalPaymentProvider({
      webhookSecret: settings.PAYMENT_WEBHOOK_SECRET ?? ephemeralWebhookSecret(),
      webhookToleranceSeconds: tolerance,
      actionsUrl: settings.PAYMENT_LOCAL_ACTIONS_URL,
    });
  }
  const { PAYMENT_API_URL: apiUrl, PAYMENT_SECRET_KEY: secretKey, PAYMENT_WEBHOOK_SECRET: webhookSecret } = settings;
  // checkPaymentSettings has made sure of these; settings built by hand may still lack them.
  if (!apiUrl || !secretKey || !webhookSecret) throw new Error('PAYMENT_PROVIDER=payment-intents needs PAYMENT_API_URL, PAYMENT_SECRET_KEY and PAYMENT_WEBHOOK_SECRET.');
  return new PaymentIntentsProvider({
    apiUrl,
    secretKey,
    webhookSecret,
    webhookToleranceSeconds: tolerance,
    timeoutMs: settings.PAYMENT_TIMEOUT_MS,
    logger: context.logger.child({ component: 'payments' }),
  });
}
