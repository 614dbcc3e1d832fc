import type { PaymentResolvers } from '../generated/graphql.js';
import { amountOf } from '../services/pricing.service.js';

export const Payment: PaymentResolvers = {
  amount: (payment) => amountOf(payment.amount_minor, payment.currency),
  providerReference: (payment) => payment.provider_reference,
  failureReason: (payment) => payment.failure_reason,
  createdAt: (payment) => payment.created_at,
  /** Only while the payment still waits for the customer: an ended payment has no step left. */
  nextActionUrl: (payment) => (payment.status === 'REQUIRES_PAYMENT' ? payment.next_action_url : null),
};
