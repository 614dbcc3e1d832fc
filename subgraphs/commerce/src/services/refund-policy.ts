// The refund policy: how long after payment a customer may ask for money back, and the
// processing fee kept from each refund. Read once at start-up with the rest of commerce's
// configuration (../config.ts).
import { loadConfig, withoutEmptyValues, z } from '@academy/service-kit';

const DAY_MS = 86_400_000;

/** The refund settings, with their defaults. */
export const refundSettingsShape = {
  /** Days after payment during which the customer may ask for a refund (0 = never). */
  REFUND_WINDOW_DAYS: z.coerce.number().int().min(0).max(3650).default(14),
  /** The fee's percentage of the refunded amount, 0–100 with at most two decimals (2.5 = 2.5 %). */
  REFUND_FEE_PERCENT: z.coerce
    .number()
    .min(0)
    .max(100)
    .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, 'must have at most two decimals')
    .default(2.5),
  /** A fixed part of the fee, in the order currency's minor units. */
  REFUND_FEE_FIXED_MINOR: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** How often approved refunds the provider has not settled (it was unreachable, or the process stopped) are tried again. */
  REFUND_RETRY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
};

/** The refund settings alone. */
export const refundSettingsSchema = z.object(refundSettingsShape);
export type RefundSettings = z.output<typeof refundSettingsSchema>;

/** Refund settings from environment-like values, defaults for the rest (tests, embedding). */
export function refundSettings(env: Record<string, string | undefined> = {}): Readonly<RefundSettings> {
  return loadConfig(refundSettingsSchema, withoutEmptyValues(env));
}

/** The policy a refund request is held to. */
export interface RefundPolicy {
  windowDays: number;
  /** The percentage in hundredths of a percent (basis points): 2.5 % = 250. */
  feeBasisPoints: number;
  feeFixedMinor: number;
}

/** The policy the settings describe. */
export function refundPolicyOf(settings: Readonly<RefundSettings>): RefundPolicy {
  return {
    windowDays: settings.REFUND_WINDOW_DAYS,
    feeBasisPoints: Math.round(settings.REFUND_FEE_PERCENT * 100),
    feeFixedMinor: settings.REFUND_FEE_FIXED_MINOR,
  };
}

/**
 * The processing fee of a refund of `amountMinor`: min(amount, round(amount × percent / 100) +
 * fixed), the percentage part rounded half up to a whole minor unit (in integers, so 2.5 % of
 * 4,020 is exactly 100.5 → 101). The customer gets amount − fee back, never less than 0.
 */
export function refundFee(policy: RefundPolicy, amountMinor: number): { feeMinor: number; netMinor: number } {
  const percentPart = Math.floor((amountMinor * policy.feeBasisPoints + 5_000) / 10_000);
  const feeMinor = Math.min(amountMinor, percentPart + policy.feeFixedMinor);
  return { feeMinor, netMinor: amountMinor - feeMinor };
}

/** When the refund window of an order paid at `paidAt` ends (exclusive). */
export const refundWindowEnd = (policy: RefundPolicy, paidAt: Date): Date => new Date(paidAt.getTime() + policy.windowDays * DAY_MS);
