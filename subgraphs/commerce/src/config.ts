// The commerce subgraph's configuration, read and validated once at start-up. Nothing else in
// this subgraph reads process.env.
import { loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';
import { checkPaymentSettings, paymentSettingsShape } from './payments/payment-config.js';
import { LOCAL_PAYMENT_ACTIONS_PATH } from './routes/local-payment-actions.route.js';

/** commerce listens here unless PORT says otherwise. */
export const COMMERCE_DEFAULT_PORT = 4004;

/** Everything the commerce process reads: the common subgraph settings and the payment settings. */
export const commerceConfigSchema = subgraphConfigSchema(COMMERCE_DEFAULT_PORT).extend(paymentSettingsShape).superRefine(checkPaymentSettings);
export type CommerceConfig = z.output<typeof commerceConfigSchema>;

/** Reads the commerce process's configuration; a ConfigError lists every problem. */
export function loadCommerceConfig(env: Record<string, string | undefined> = process.env): Readonly<CommerceConfig> {
  const config = loadConfig(commerceConfigSchema, withoutEmptyValues(env));
  // The local provider's second step is on this process unless said otherwise.
  const localActionsUrl = config.PAYMENT_LOCAL_ACTIONS_URL ?? `http://localhost:${config.PORT}${LOCAL_PAYMENT_ACTIONS_PATH}`;
  return Object.freeze({ ...config, PAYMENT_LOCAL_ACTIONS_URL: localActionsUrl });
}
