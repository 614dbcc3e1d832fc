import type { MutationResolvers } from '../generated/graphql.js';
import { checkout } from '../services/checkout.service.js';
import { createDiscountCode } from '../services/discount.service.js';
import { cancelOrder } from '../services/order.service.js';
import { payOrder } from '../services/payment.service.js';
import { setCoursePrice } from '../services/pricing.service.js';
import { decideRefund, requestRefund } from '../services/refund.service.js';
import { createTicketType } from '../services/ticket.service.js';
import { checkInTicket } from '../services/tickets.service.js';

export const Mutation: MutationResolvers = {
  setCoursePrice: (_, args, ctx) => setCoursePrice(ctx, args),
  createDiscountCode: (_, args, ctx) => createDiscountCode(ctx, args.input),
  checkout: (_, args, ctx) => checkout(ctx, args.input),
  cancelOrder: (_, args, ctx) => cancelOrder(ctx, args),
  payOrder: (_, args, ctx) => payOrder(ctx, args),
  createTicketType: (_, args, ctx) => createTicketType(ctx, args),
  checkInTicket: (_, args, ctx) => checkInTicket(ctx, args),
  requestRefund: (_, args, ctx) => requestRefund(ctx, args),
  decideRefund: (_, args, ctx) => decideRefund(ctx, args),
};
