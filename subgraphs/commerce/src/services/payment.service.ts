// Paying orders. One payment row per attempt, written before the provider is called (its id is
// the provider's idempotency key); the provider is called outside any transaction; its answer,
// or a webhook about the same payment, is applied by `settlePayment` under the order's row lock.
// A payment leaves REQUIRES_PAYMENT once, so an order is marked PAID, invoiced and announced
// (OrderPaid) once however many answers and webhooks confirm it.
import { badUserInput, conflict, DomainError, ErrorCode, notFound, parseId, requireViewer, type Logger } from '@academy/service-kit';
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CommerceContext } from '../context.js';
import type { CommerceDatabase, Order, Payment } from '../db/database.js';
import { publishOrderPaid } from '../events/published.js';
import type { MutationPayOrderArgs } from '../generated/graphql.js';
import { PaymentProviderError, type PaymentProvider, type PaymentResult } from '../payments/payment-provider.js';
import type { PaymentEventHandler } from '../routes/payment-webhook.route.js';
import { findSeatHold } from '../repositories/copy.repository.js';
import { findItemsOfOrders, findLiveOrderOfRegistration, lockOrder } from '../repositories/order.repository.js';
import {
  findPaymentByProviderReference,
  findPaymentsOfOrders,
  insertPayment,
  lockPayment,
  recordWebhookEvent,
  updateWaitingPayment,
} from '../repositories/payment.repository.js';
import { issueInvoice } from './invoice.service.js';
import { changeOrderStatus } from './order-status.js';
import { endPendingOrder, eventItemOf } from './order.service.js';
import { issueTicketsForPaidOrder } from './tickets.service.js';

/** After this many failed attempts an order ends FAILED and what it holds is released. */
export const MAX_FAILED_PAYMENTS = 5;
/** Longest payment token accepted. */
export const MAX_PAYMENT_TOKEN_LENGTH = 255;
/** The provider name of an order whose total is 0: nothing is charged. */
export const NO_CHARGE_PROVIDER = 'none';

/** What a provider's answer, or a webhook, says about one attempt. */
export type PaymentOutcome =
  | { status: 'SUCCEEDED'; providerReference: string | null }
  | { status: 'FAILED'; providerReference: string | null; failureReason: string }
  /** Still open: the customer has a second step to complete (nextActionUrl), or the provider is working on it. */
  | { status: 'WAITING'; providerReference: string | null; nextActionUrl: string | null };

/** A token as stored: its SHA-256, so a retry with the same token is recognised without keeping the token. */
const fingerprintOf = (token: string): string => createHash('sha256').update(token).digest('hex');

const outcomeOf = (result: PaymentResult): PaymentOutcome => {
  if (result.status === 'SUCCEEDED') return { status: 'SUCCEEDED', providerReference: result.providerReference };
  if (result.status === 'FAILED') return { status: 'FAILED', providerReference: result.providerReference, failureReason: result.failureReason ?? 'failed' };
  return { status: 'WAITING', providerReference: result.providerReference, nextActionUrl: result.nextActionUrl ?? null };
};

/** Which seats of an order are no longer held, by commerce's copy of scheduling's holds. */
async function lapsedSeats(trx: Kysely<CommerceDatabase>, order: Order, now: Date): Promise<string[]> {
  const lapsed: string[] = [];
  for (const item of await findItemsOfOrders(trx, [order.id])) {
    if (!item.registration_id) continue;
    const hold = await findSeatHold(trx, item.registration_id);
    if (!hold || hold.status !== 'HELD' || hold.hold_expires_at.getTime() <= now.getTime()) lapsed.push(item.registration_id);
  }
  return lapsed;
}

/**
 * Applies an outcome to a payment, in the caller's transaction: the order's row is locked first
 * (as payOrder locks it), then the payment's. A payment no longer REQUIRES_PAYMENT is left as it
 * is, so a result applied twice (payOrder's answer and a webhook, or a redelivered webhook)
 * changes nothing the second time.
 * - SUCCEEDED: the payment succeeds; a PENDING order becomes PAID with its invoice and OrderPaid.
 *   (The partial unique index payments_one_success_per_order backs this: one success per order.)
 * - FAILED: the payment fails with its reason; the order stays PENDING (the customer may try
 *   another token while the seat is held) until MAX_FAILED_PAYMENTS failures end it FAILED.
 * - WAITING: the provider's reference and the second step's URL are kept; a webhook ends it.
 */
export async function settlePayment(
  trx: Kysely<CommerceDatabase>,
  payment: Payment,
  outcome: PaymentOutcome,
  logger: Logger,
  at = new Date(),
): Promise<Order> {
  const order = await lockOrder(trx, payment.order_id);
  const current = await lockPayment(trx, payment.id);
  if (!order || !current) throw new Error(`Payment ${payment.id} or its order is gone.`);
  if (current.status !== 'REQUIRES_PAYMENT') return order;
  const providerReference = outcome.providerReference ?? current.provider_reference;

  if (outcome.status === 'WAITING') {
    await updateWaitingPayment(trx, current.id, { provider_reference: providerReference, next_action_url: outcome.nextActionUrl, updated_at: at });
    return order;
  }
  if (outcome.status === 'FAILED') {
    await updateWaitingPayment(trx, current.id, { status: 'FAILED', provider_reference: providerReference, failure_reason: outcome.failureReason, next_action_url: null, updated_at: at });
    if (order.status !== 'PENDING') return order;
    const failures = (await findPaymentsOfOrders(trx, [order.id])).filter((p) => p.status === 'FAILED').length;
    return failures >= MAX_FAILED_PAYMENTS ? endPendingOrder(trx, order, 'FAILED', at) : order;
  }
  await updateWaitingPayment(trx, current.id, { status: 'SUCCEEDED', provider_reference: providerReference, succeeded_at: at, next_action_url: null, updated_at: at });
  if (order.status !== 'PENDING') {
    // Money arrived for an order that ended meanwhile: recorded as it is, for a refund.
    logger.error('payment succeeded for an order that is not pending', { orderId: order.id, paymentId: current.id, status: order.status });
    return order;
  }
  const paid = await changeOrderStatus(trx, order, 'PAID', at);
  const items = await findItemsOfOrders(trx, [order.id]);
  await issueInvoice(trx, paid, items, at);
  // Tickets exist once their order is paid, in the same transaction: never a ticket without the money.
  await issueTicketsForPaidOrder(trx, paid.id);
  await publishOrderPaid(trx, {
    orderId: paid.id,
    reference: paid.reference,
    userId: paid.user_id,
    paidAt: at.toISOString(),
    items: items.map(eventItemOf),
  });
  return paid;
}

/** Asks the provider about an attempt: charges it (again with the same id, never twice) or looks it up. */
async function askProvider(provider: PaymentProvider, attempt: Payment, order: Order, token: string): Promise<PaymentOutcome> {
  if (attempt.provider === NO_CHARGE_PROVIDER) return { status: 'SUCCEEDED', providerReference: null };
  if (attempt.provider_reference) return outcomeOf(await provider.retrievePayment(attempt.provider_reference));
  return outcomeOf(
    await provider.createPayment({
      paymentId: attempt.id,
      amountMinor: attempt.amount_minor,
      currency: attempt.currency,
      paymentToken: token,
      description: `Order ${order.reference}`,
      metadata: { orderId: order.id, reference: order.reference },
    }),
  );
}

/**
 * The order's customer pays a PENDING order with a provider token:
 * 1. under the order's row lock: a PAID order paid with this token is answered as it is (a
 *    retry), any other paid or ended order is CONFLICT; an attempt still open with another token
 *    is CONFLICT (one charge at a time), with this token it is taken up again (a retry); else,
 *    if every seat is still held, a new attempt (REQUIRES_PAYMENT, the token's fingerprint) is
 *    written and committed;
 * 2. the provider is called without a transaction, with the attempt's id as idempotency key;
 * 3. its answer is applied by settlePayment.
 * A provider that cannot be reached leaves the attempt open: SERVICE_UNAVAILABLE, retry with
 * the same token. A refusal that charged nothing (a bad request) fails the attempt.
 */
export async function payOrder(ctx: CommerceContext, args: MutationPayOrderArgs): Promise<Order> {
  const viewer = requireViewer(ctx);
  const orderId = parseId(args.orderId, 'orderId');
  const token = args.paymentToken.trim();
  if (token === '' || token.length > MAX_PAYMENT_TOKEN_LENGTH) {
    throw badUserInput(`"paymentToken" must be 1 to ${MAX_PAYMENT_TOKEN_LENGTH} characters.`, 'paymentToken');
  }
  const fingerprint = fingerprintOf(token);
  const provider = ctx.payments;

  const started = await ctx.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order || order.user_id !== viewer.userId) throw notFound('No such order.');
    const payments = await findPaymentsOfOrders(trx, [order.id]);
    if (order.status === 'PAID') {
      if (payments.some((p) => p.status === 'SUCCEEDED' && p.token_fingerprint === fingerprint)) return { order, attempt: null };
      throw conflict(`Order ${order.reference} is paid already.`);
    }
    if (order.status !== 'PENDING') throw conflict(`Order ${order.reference} is ${order.status}: it cannot be paid.`);
    const open = payments.find((p) => p.status === 'REQUIRES_PAYMENT');
    if (open) {
      if (open.token_fingerprint !== fingerprint) throw conflict(`A payment of order ${order.reference} is in progress: complete it or wait for its outcome.`);
      return { order, attempt: open };
    }
    const lapsed = await lapsedSeats(trx, order, new Date());
    if (lapsed.length > 0) throw conflict(`The seat of registration ${lapsed[0]} is no longer held: order ${order.reference} cannot be paid.`);
    const attempt = await insertPayment(trx, {
      order_id: order.id,
      amount_minor: order.total_minor,
      currency: order.currency,
      provider: order.total_minor === 0 ? NO_CHARGE_PROVIDER : provider.name,
      token_fingerprint: fingerprint,
    });
    return { order, attempt };
  });
  if (!started.attempt) return started.order;

  let outcome: PaymentOutcome;
  try {
    outcome = await askProvider(provider, started.attempt, started.order, token);
  } catch (error) {
    if (!(error instanceof PaymentProviderError)) throw error;
    if (error.kind === 'unavailable') {
      // Whether the provider charged is unknown: the attempt stays open for a retry with the same id.
      ctx.logger.warn('payment provider unavailable', { orderId, paymentId: started.attempt.id });
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The payment provider cannot be reached right now; try again with the same payment token.');
    }
    ctx.logger.error('payment provider refused the payment', { orderId, paymentId: started.attempt.id, kind: error.kind });
    outcome = { status: 'FAILED', providerReference: null, failureReason: error.kind };
  }
  const attempt = started.attempt;
  const order = await ctx.db.transaction().execute((trx) => settlePayment(trx, attempt, outcome, ctx.logger));
  ctx.loaders.orderById.clear(order.id).prime(order.id, order);
  return order;
}

/**
 * The handler of verified provider webhooks (see routes/payment-webhook.route.ts): a payment
 * event is recorded by id in payment_webhook_events and applied by settlePayment in one
 * transaction, so a redelivered event changes nothing ('duplicate'). An event about a payment
 * commerce does not know is acknowledged: payOrder applies the provider's own answer, so a
 * webhook that outruns it loses nothing.
 */
export function createPaymentEventHandler(db: Kysely<CommerceDatabase>, provider: PaymentProvider, logger: Logger): PaymentEventHandler {
  return async (event) => {
    if (event.type !== 'payment.succeeded' && event.type !== 'payment.failed') {
      logger.info('payment webhook not acted on', { eventId: event.id, type: event.type });
      return 'processed';
    }
    return db.transaction().execute(async (trx) => {
      if (!(await recordWebhookEvent(trx, provider.name, event.id))) return 'duplicate';
      const payment = await findPaymentByProviderReference(trx, provider.name, event.providerReference);
      if (!payment) {
        logger.warn('payment webhook about an unknown payment', { eventId: event.id, type: event.type });
        return 'processed';
      }
      const outcome: PaymentOutcome =
        event.type === 'payment.succeeded'
          ? { status: 'SUCCEEDED', providerReference: event.providerReference }
          : { status: 'FAILED', providerReference: event.providerReference, failureReason: event.failureReason ?? 'failed' };
      await settlePayment(trx, payment, outcome, logger);
      return 'processed';
    });
  };
}

/**
 * A seat's hold lapsed (RegistrationExpired), in the consumer's transaction: the PENDING order
 * holding it ends EXPIRED (its tickets and code use go back; OrderCancelled tells scheduling).
 * An order with a payment still open is left PENDING: that payment may yet succeed, and
 * scheduling then takes the seat again if one is free.
 */
export async function endOrderOfLapsedSeat(trx: Kysely<CommerceDatabase>, registrationId: string, at: Date): Promise<void> {
  const live = await findLiveOrderOfRegistration(trx, registrationId);
  if (!live || live.status !== 'PENDING') return;
  const order = await lockOrder(trx, live.id);
  if (!order || order.status !== 'PENDING') return;
  const payments = await findPaymentsOfOrders(trx, [order.id]);
  if (payments.some((p) => p.status === 'REQUIRES_PAYMENT')) return;
  await endPendingOrder(trx, order, 'EXPIRED', at);
}

/** The payments of an order, oldest first. */
export const paymentsOfOrder = (ctx: CommerceContext, order: Order): Promise<Payment[]> => ctx.loaders.paymentsByOrder.load(order.id);
