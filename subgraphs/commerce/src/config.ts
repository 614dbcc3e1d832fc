// The commerce subgraph's configuration, read and validated once at start-up. Nothing else in
// this subgraph reads process.env.
import { analyticsReadConfigShape, checkAnalyticsReadRole, loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';
import { checkPaymentSettings, paymentSettingsShape } from './payments/payment-config.js';
import { refundSettingsShape } from './services/refund-policy.js';

/** commerce listens here unless PORT says otherwise. */
export const COMMERCE_DEFAULT_PORT = 4004;

/** Everything the commerce process reads: the common subgraph settings, the figures' read replica, the payment settings and the refund policy. */
export const commerceConfigSchema = subgraphConfigSchema(COMMERCE_DEFAULT_PORT)
  .extend(analyticsReadConfigShape())
  .extend(paymentSettingsShape)
  .extend(refundSettingsShape)
  .superRefine(checkPaymentSettings)
  .superRefine(checkAnalyticsReadRole);
export type CommerceConfig = z.output<typeof commerceConfigSchema>;

/** Reads the commerce process's configuration; a ConfigError lists every problem. */
export function loadCommerceConfig(env: Record<string, string | undefined> = process.env): Readonly<CommerceConfig> {
  return loadConfig(commerceConfigSchema, withoutEmptyValues(env));
}
