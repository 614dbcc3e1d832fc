import { buildSubgraphService, DEFAULT_MIN_GROUP_SIZE, loadTypeDefs, openServiceResources, type Route, type RunningServer, type ServiceOptions } from '@academy/service-kit';
import { createContext } from './context.js';
import type { CommerceDatabase } from './db/database.js';
import { createLearningEventConsumer } from './events/learning-events.consumer.js';
import { createSchedulingEventConsumer } from './events/scheduling-events.consumer.js';
import { createRefundRetryJob } from './jobs/refund-retry.job.js';
import { LocalPaymentProvider } from './payments/local-provider.js';
import { createPaymentProvider, paymentSettings, type PaymentSettings } from './payments/payment-config.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import { resolvers } from './resolvers/index.js';
import { createPaymentEventHandler } from './services/payment.service.js';
import { refundPolicyOf, refundSettings, type RefundSettings } from './services/refund-policy.js';
import { LOCAL_PAYMENT_ACTIONS_PATH, localPaymentActionsRoute } from './routes/local-payment-actions.route.js';
import { createWebhookHandler, PAYMENT_WEBHOOK_PATH, webhookRoute, type PaymentEventHandler } from './routes/payment-webhook.route.js';

export {
  publishCoursePriceSet,
  publishOrderCancelled,
  publishOrderPaid,
  publishOrderRefunded,
  type OrderEventItem,
} from './events/published.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export * from './events/published.js';
export { COMMERCE_DEFAULT_PORT, commerceConfigSchema, loadCommerceConfig, type CommerceConfig } from './config.js';
export { paymentSettings, paymentSettingsShape, type PaymentSettings } from './payments/payment-config.js';
export { refundSettings, refundSettingsShape, type RefundSettings } from './services/refund-policy.js';
export { PAYMENT_WEBHOOK_PATH } from './routes/payment-webhook.route.js';
export { LOCAL_PAYMENT_ACTIONS_PATH } from './routes/local-payment-actions.route.js';
export { LOCAL_SIGNATURE_HEADER } from './payments/local-provider.js';
export { signWebhookPayload } from './payments/webhook-signature.js';
// Called by the payment and refund flows in the transaction that marks an order paid, cancelled or refunded.
export { cancelTicketsOfOrder, issueTicketsForPaidOrder } from './services/tickets.service.js';
export type { CommerceDatabase } from './db/database.js';
export type { PaymentProvider, ProviderWebhookEvent } from './payments/payment-provider.js';
export type { PaymentEventHandler } from './routes/payment-webhook.route.js';

export { createSchedulingEventConsumer, SCHEDULING_CONSUMER } from './events/scheduling-events.consumer.js';
export { createLearningEventConsumer, LEARNING_CONSUMER } from './events/learning-events.consumer.js';

/** How to build commerce: the options of every subgraph, and commerce's own. */
export interface CommerceServiceOptions extends ServiceOptions {
  /** Payment settings; default: the local provider with every default of `paymentSettings()`. */
  payments?: Readonly<PaymentSettings>;
  /** A provider to use instead of the one the settings choose. */
  paymentProvider?: PaymentProvider;
  /** What a verified payment webhook event does; default: orders act on it (createPaymentEventHandler). */
  onPaymentEvent?: PaymentEventHandler;
  /** The refund window and fee; default: every default of `refundSettings()`. */
  refunds?: Readonly<RefundSettings>;
}

/**
 * Builds the commerce subgraph (schema, server, database, payment provider and its routes, and the
 * consumers of scheduling's and learning's events that keep commerce's copies) without listening.
 * `start` listens and starts the consumers; the `stop` it returns stops them all.
 */
export function buildCommerceSubgraph(options: CommerceServiceOptions) {
  const resources = openServiceResources<CommerceDatabase>('commerce', options);
  const { db, background, figures } = resources.database;
  const { logger } = resources;
  const settings = options.payments ?? paymentSettings();
  const paymentProvider = options.paymentProvider ?? createPaymentProvider(settings, { logger });
  const webhookLogger = logger.child({ component: 'payment-webhooks' });
  const handleWebhook = createWebhookHandler(paymentProvider, options.onPaymentEvent ?? createPaymentEventHandler(db, paymentProvider, webhookLogger), webhookLogger);
  const routes: Record<string, Route> = { [PAYMENT_WEBHOOK_PATH]: webhookRoute(handleWebhook) };
  if (paymentProvider instanceof LocalPaymentProvider) routes[LOCAL_PAYMENT_ACTIONS_PATH] = localPaymentActionsRoute(paymentProvider, handleWebhook);
  // Each consumer LISTENs on a connection of its own, so listening never holds one of the request pool's.
  const refundSettingsInForce = options.refunds ?? refundSettings();
  const refundPolicy = refundPolicyOf(refundSettingsInForce);
  const refundProcessing = { db: background, payments: paymentProvider, logger: logger.child({ component: 'refunds' }) };
  const refundRetry = createRefundRetryJob({ ...refundProcessing, intervalMs: refundSettingsInForce.REFUND_RETRY_INTERVAL_SECONDS * 1000 });
  const schedulingEvents = createSchedulingEventConsumer({
    db: background,
    listen: options.databaseUrl,
    logger: logger.child({ component: 'scheduling-events' }),
    refunds: refundProcessing,
  });
  const learningEvents = createLearningEventConsumer({ db: background, listen: options.databaseUrl, logger: logger.child({ component: 'learning-events' }) });
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const service = buildSubgraphService(resources, { typeDefs, resolvers, context: (caller, requestLogger) => createContext({ db, figures }, caller, requestLogger, { payments: paymentProvider, refundPolicy, minGroupSize }), routes });

  return {
    ...service,
    paymentProvider,
    schedulingEvents,
    learningEvents,
    refundRetry,
    async start(port: number, host?: string): Promise<RunningServer> {
      const running = await service.start(port, host);
      try {
        await schedulingEvents.start();
        await learningEvents.start();
        // Never throws: a failed run is logged and the next interval tries again.
        await refundRetry.start();
      } catch (error) {
        await schedulingEvents.stop();
        await running.stop();
        throw error;
      }
      return {
        ...running,
        async stop() {
          await running.stop();
          await refundRetry.stop();
          await learningEvents.stop();
          await schedulingEvents.stop();
        },
      };
    },
  };
}

export type CommerceSubgraph = ReturnType<typeof buildCommerceSubgraph>;
