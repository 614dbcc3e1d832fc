import type { RefundResolvers } from '../generated/graphql.js';
import { amountOf } from '../services/pricing.service.js';
import { orderOfRefund } from '../services/refund.service.js';

export const Refund: RefundResolvers = {
  order: (refund, _, ctx) => orderOfRefund(ctx, refund),
  amount: (refund) => amountOf(refund.amount_minor, refund.currency),
  fee: (refund) => amountOf(refund.fee_minor, refund.currency),
  net: (refund) => amountOf(refund.net_minor, refund.currency),
  reason: (refund) => refund.reason,
  requestedAt: (refund) => refund.requested_at,
  /** A rejection is processed when it is decided. */
  processedAt: (refund) => refund.processed_at ?? (refund.status === 'REJECTED' ? refund.decided_at : null),
  failureReason: (refund) => (refund.status === 'FAILED' ? refund.failure_reason : null),
};
