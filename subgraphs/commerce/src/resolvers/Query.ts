import type { QueryResolvers } from '../generated/graphql.js';
import { quote } from '../services/checkout.service.js';
import { listDiscountCodes } from '../services/discount.service.js';
import { listOrders, orderById } from '../services/order.service.js';
import { revenueByCourse, revenueStats } from '../services/revenue.service.js';

export const Query: QueryResolvers = {
  order: (_, args, ctx) => orderById(ctx, args),
  orders: (_, args, ctx) => listOrders(ctx, args),
  quote: (_, args, ctx) => quote(ctx, args),
  discountCodes: (_, __, ctx) => listDiscountCodes(ctx),
  revenueStats: (_, args, ctx) => revenueStats(ctx, args),
  revenueByCourse: (_, args, ctx) => revenueByCourse(ctx, args),
};
