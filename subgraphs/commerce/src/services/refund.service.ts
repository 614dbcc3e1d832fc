// Refunds: the customer asks (within the refund window, never for more than is left), ADMIN
// decides, and an approved refund's net is paid back through the payment provider outside any
// transaction (the refund's id is the provider's idempotency key, so a retried call never pays
// twice) before it is recorded as COMPLETED or FAILED. A seat paid for after it was gone is
// refunded automatically, without a fee.
import {
  badUserInput,
  conflict,
  forbidden,
  hasRole,
  intInRange,
  notFound,
  parseId,
  requireRole,
  requireViewer,
  text,
  type Logger,
} from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceContext } from '../context.js';
import type { CommerceDatabase, Order, OrderItem, Refund } from '../db/database.js';
import { publishOrderRefunded, publishRefundDecided } from '../events/published.js';
import type { MutationDecideRefundArgs, MutationRequestRefundArgs, OrderStatus } from '../generated/graphql.js';
import { PaymentProviderError, type PaymentProvider, type RefundResult } from '../payments/payment-provider.js';
import { findItemsOfOrders, lockOrder } from '../repositories/order.repository.js';
import {
  addRefundedAmount,
  findAutomaticRefundOfRegistration,
  findRefundsByIds,
  findSeatItem,
  findTakenPayment,
  findUnsettledRefundIds,
  insertAutomaticRefund,
  insertRefund,
  lockRefund,
  markPaymentRefunded,
  sumReservedRefunds,
  updateRefund,
} from '../repositories/refund.repository.js';
import { eventItemOf } from './order.service.js';
import { changeOrderStatus } from './order-status.js';
import { refundFee, refundWindowEnd, type RefundPolicy } from './refund-policy.js';
import { cancelTicketsOfOrder } from './tickets.service.js';

/** What paying refunds back needs, in a request or in the background. */
export interface RefundProcessing {
  db: Kysely<CommerceDatabase>;
  payments: PaymentProvider;
  logger: Logger;
}

/** Orders whose money may be (further) refunded. */
const REFUNDABLE: readonly OrderStatus[] = ['PAID', 'PARTIALLY_REFUNDED'];

/** The reason recorded on an automatic refund of a seat that was gone when its payment arrived. */
export const SEAT_GONE_REASON = 'No seat was free when the payment arrived.';

const moneyOf = (amountMinor: number, currency: string) => ({ amountMinor, currency });

/** RefundDecided for a refund just decided, in the deciding transaction. */
function announceDecision(trx: Kysely<CommerceDatabase>, order: Order, refund: Refund): Promise<string> {
  return publishRefundDecided(trx, {
    refundId: refund.id,
    orderId: order.id,
    reference: order.reference,
    userId: order.user_id,
    approved: refund.status !== 'REJECTED',
    amount: moneyOf(refund.amount_minor, refund.currency),
    fee: moneyOf(refund.fee_minor, refund.currency),
    net: moneyOf(refund.net_minor, refund.currency),
    decidedAt: (refund.decided_at ?? new Date()).toISOString(),
  });
}

/** An order's refunds, oldest first. */
export const refundsOfOrder = (ctx: CommerceContext, order: Order): Promise<Refund[]> => ctx.loaders.refundsByOrder.load(order.id);

/** The order a refund belongs to (always there: refunds are never without their order). */
export async function orderOfRefund(ctx: CommerceContext, refund: Refund): Promise<Order> {
  const order = await ctx.loaders.orderById.load(refund.order_id);
  if (!order) throw new Error(`refund ${refund.id} has no order`);
  return order;
}

/**
 * The customer asks for (part of) a paid order back. Under the order's row lock the refunds
 * that reserve money (asked for, approved, completed) are summed, so however many requests race,
 * their total never exceeds what the order paid. The fee is fixed now, by the policy in force.
 */
export async function requestRefund(ctx: CommerceContext, args: MutationRequestRefundArgs): Promise<Refund> {
  const viewer = requireViewer(ctx);
  const orderId = parseId(args.orderId, 'orderId');
  const reason = text(args.reason, 'reason', { max: 1000 });
  const asked = args.amountMinor == null ? null : intInRange(args.amountMinor, 'amountMinor', 1, 2_147_483_647);
  const refund = await ctx.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order || (order.user_id !== viewer.userId && !hasRole(ctx, 'ADMIN'))) throw notFound('No such order.');
    if (order.user_id !== viewer.userId) throw forbidden('Only the customer may ask for a refund of an order.');
    if (!REFUNDABLE.includes(order.status) || !order.paid_at) throw conflict(`Order ${order.reference} is ${order.status}: only a paid order can be refunded.`);
    const windowEnd = refundWindowEnd(ctx.refundPolicy, order.paid_at);
    const now = new Date();
    if (now >= windowEnd) throw conflict(`The refund window of order ${order.reference} ended at ${windowEnd.toISOString()}.`);
    const left = order.total_minor - (await sumReservedRefunds(trx, order.id));
    if (left <= 0) throw conflict(`Nothing is left to refund of order ${order.reference}.`);
    const amount = asked ?? left;
    if (amount > left) throw badUserInput(`"amountMinor" must be at most ${left}: what is left of order ${order.reference} to refund.`, 'amountMinor');
    const { feeMinor, netMinor } = refundFee(ctx.refundPolicy, amount);
    return insertRefund(trx, {
      order_id: order.id,
      amount_minor: amount,
      fee_minor: feeMinor,
      net_minor: netMinor,
      currency: order.currency,
      status: 'REQUESTED',
      reason,
      requested_by: viewer.userId,
      requested_at: now,
    });
  });
  ctx.loaders.refundsByOrder.clear(orderId);
  return refund;
}

/**
 * ADMIN decides a REQUESTED refund. Rejecting ends it (its amount is free again); approving
 * records the decision, then pays the net back (see settleRefund). Deciding again the same way
 * answers the refund as it is (an approval still unsettled is tried again); the other way is a
 * CONFLICT. RefundDecided is published with the decision.
 */
export async function decideRefund(ctx: CommerceContext, args: MutationDecideRefundArgs): Promise<Refund> {
  const viewer = requireRole(ctx, 'ADMIN');
  const refundId = parseId(args.refundId, 'refundId');
  const [found] = await findRefundsByIds(ctx.db, [refundId]);
  if (!found) throw notFound('No such refund.');
  const decided = await ctx.db.transaction().execute(async (trx) => {
    // The order first, then the refund: requests and settlements lock them in this order too.
    const order = await lockOrder(trx, found.order_id);
    const refund = await lockRefund(trx, refundId);
    if (!order || !refund) throw notFound('No such refund.');
    if (refund.status !== 'REQUESTED') {
      const sameDecision = args.approve ? refund.status !== 'REJECTED' : refund.status === 'REJECTED';
      if (!sameDecision) throw conflict(`The refund is ${refund.status}: it was decided already.`);
      return refund;
    }
    const at = new Date();
    const changed = await updateRefund(trx, refund.id, ['REQUESTED'], {
      status: args.approve ? 'APPROVED' : 'REJECTED',
      decided_by: viewer.userId,
      decided_at: at,
    });
    if (!changed) throw conflict('The refund changed meanwhile.');
    await announceDecision(trx, order, changed);
    return changed;
  });
  const answer = decided.status === 'APPROVED' ? await settleRefund(ctx, decided.id) : decided;
  ctx.loaders.refundsByOrder.clear(answer.order_id);
  ctx.loaders.orderById.clear(answer.order_id);
  return answer;
}

/**
 * Pays an APPROVED refund's net back and records the outcome; answers the refund as it is then.
 * The provider is called outside any transaction with the refund's id as idempotency key, so
 * concurrent or repeated settlements (the decision, the retry job) pay once. A provider that is
 * unreachable leaves the refund APPROVED for the retry job; one that refuses makes it FAILED
 * (its amount is free again). Money back (or none due, the fee taking it all) makes it
 * COMPLETED: the order's refunded amount grows by the refund's amount, the order becomes
 * PARTIALLY_REFUNDED or REFUNDED, and OrderRefunded names the items whose access or seats end:
 * every item once the order is wholly refunded, else the one item an automatic refund covers,
 * else none (a partial refund gives money back and leaves access and seats as they are).
 */
export async function settleRefund(deps: RefundProcessing, refundId: string): Promise<Refund> {
  const [refund] = await findRefundsByIds(deps.db, [refundId]);
  if (!refund) throw new Error(`no refund ${refundId}`);
  if (refund.status !== 'APPROVED') return refund;
  let outcome: RefundResult;
  if (refund.net_minor === 0) {
    outcome = { status: 'SUCCEEDED', providerRefundReference: '' };
  } else {
    const payment = await findTakenPayment(deps.db, refund.order_id);
    if (!payment?.provider_reference) {
      outcome = { status: 'FAILED', providerRefundReference: '', failureReason: 'no_payment: the order has no payment to refund' };
    } else if (payment.provider !== deps.payments.name) {
      outcome = { status: 'FAILED', providerRefundReference: '', failureReason: `other_provider: the order was paid through ${payment.provider}` };
    } else {
      try {
        outcome = await deps.payments.refund({ providerReference: payment.provider_reference, amountMinor: refund.net_minor, idempotencyKey: refund.id });
      } catch (error) {
        if (!(error instanceof PaymentProviderError) || error.kind === 'unavailable') {
          deps.logger.warn('refund not settled now; the retry job tries again', { refundId, err: error });
          return refund;
        }
        outcome = { status: 'FAILED', providerRefundReference: '', failureReason: `${error.kind}: ${error.message}` };
      }
    }
  }
  return recordOutcome(deps, refund, outcome);
}

/** Records what the provider answered about an APPROVED refund, under the order's and the refund's locks. */
async function recordOutcome(deps: RefundProcessing, approved: Refund, outcome: RefundResult): Promise<Refund> {
  const reference = outcome.providerRefundReference || null;
  return deps.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, approved.order_id);
    const refund = await lockRefund(trx, approved.id);
    if (!order || !refund || refund.status !== 'APPROVED') return refund ?? approved;
    const at = new Date();
    if (outcome.status === 'PENDING') {
      // The provider settles it later; its reference is kept so its refund webhook can be matched.
      return (await updateRefund(trx, refund.id, ['APPROVED'], { provider_refund_reference: reference })) ?? refund;
    }
    if (outcome.status === 'FAILED') {
      deps.logger.warn('refund failed at the payment provider', { refundId: refund.id, reason: outcome.failureReason });
      const failed = await updateRefund(trx, refund.id, ['APPROVED'], {
        status: 'FAILED',
        processed_at: at,
        provider_refund_reference: reference,
        failure_reason: (outcome.failureReason ?? 'refund_failed').slice(0, 500),
      });
      return failed ?? refund;
    }
    const completed = await updateRefund(trx, refund.id, ['APPROVED'], { status: 'COMPLETED', processed_at: at, provider_refund_reference: reference });
    if (!completed) return refund;
    await addRefundedAmount(trx, order.id, refund.amount_minor);
    const full = order.refunded_minor + refund.amount_minor >= order.total_minor;
    await changeOrderStatus(trx, order, full ? 'REFUNDED' : 'PARTIALLY_REFUNDED', at);
    if (full) await markPaymentRefunded(trx, order.id, at);
    const items = await findItemsOfOrders(trx, [order.id]);
    const ending = full ? items : items.filter((item) => item.id === refund.order_item_id);
    // The tickets of the items whose access ends are cancelled with the money, in this transaction.
    const endingTickets = ending.filter((item) => item.kind === 'EVENT_TICKET').map((item) => item.id);
    if (endingTickets.length) await cancelTicketsOfOrder(trx, order.id, { orderItemIds: endingTickets, at });
    await publishOrderRefunded(trx, {
      orderId: order.id,
      reference: order.reference,
      userId: order.user_id,
      refundId: refund.id,
      refundedAt: at.toISOString(),
      full,
      items: ending.map(eventItemOf),
    });
    return completed;
  });
}

/**
 * Scheduling's RegistrationPaidWithoutSeat, in the consumer's transaction: the seat's item is
 * refunded in full, without a fee, approved at once (RefundDecided tells the customer). Its
 * share of what the order paid is refunded (a discount shared pro rata), at most what is left.
 * Once per item (a unique index), so a redelivered event changes nothing. Answers the refund
 * to settle after commit, or undefined when there is nothing to refund.
 */
export async function refundSeatWithoutSeat(
  trx: Kysely<CommerceDatabase>,
  logger: Logger,
  seat: { orderId: string; registrationId: string; userId: string },
): Promise<Refund | undefined> {
  const order = await lockOrder(trx, seat.orderId);
  const item: OrderItem | undefined = order ? await findSeatItem(trx, order.id, seat.registrationId) : undefined;
  if (!order || !item || order.user_id !== seat.userId) {
    logger.warn('a seat paid without a seat names no item of its order; ignored', seat);
    return undefined;
  }
  if (!REFUNDABLE.includes(order.status)) {
    logger.warn('a seat paid without a seat belongs to an order that is not paid; ignored', { ...seat, status: order.status });
    return undefined;
  }
  const share = order.subtotal_minor > 0 ? Math.floor((item.total_minor * order.total_minor * 2 + order.subtotal_minor) / (2 * order.subtotal_minor)) : 0;
  const amount = Math.min(share, order.total_minor - (await sumReservedRefunds(trx, order.id)));
  if (amount <= 0) return undefined;
  const at = new Date();
  const refund = await insertAutomaticRefund(trx, {
    order_id: order.id,
    order_item_id: item.id,
    amount_minor: amount,
    fee_minor: 0,
    net_minor: amount,
    currency: order.currency,
    status: 'APPROVED',
    reason: SEAT_GONE_REASON,
    requested_at: at,
    decided_at: at,
  });
  if (refund) await announceDecision(trx, order, refund);
  return refund;
}

/** After the consumer's commit: settles the automatic refund of that seat, if one is still APPROVED. */
export async function settleSeatRefund(deps: RefundProcessing, seat: { orderId: string; registrationId: string }): Promise<void> {
  const refund = await findAutomaticRefundOfRegistration(deps.db, seat.orderId, seat.registrationId);
  if (refund?.status === 'APPROVED') await settleRefund(deps, refund.id);
}

/**
 * Settles approved refunds that have waited at least `minAgeMs` without an answer from the
 * provider (it was unreachable, or the process stopped between the decision and the call).
 * Answers how many were looked at.
 */
export async function settleWaitingRefunds(deps: RefundProcessing, minAgeMs: number, batch = 50): Promise<number> {
  const ids = await findUnsettledRefundIds(deps.db, new Date(Date.now() - minAgeMs), batch);
  for (const id of ids) await settleRefund(deps, id);
  return ids.length;
}
