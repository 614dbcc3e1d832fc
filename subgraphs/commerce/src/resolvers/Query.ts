import type { QueryResolvers } from '../generated/graphql.js';
import { quote } from '../services/checkout.service.js';
import { listDiscountCodes } from '../services/discount.service.js';
import { listOrders, orderById } from '../services/order.service.js';

export const Query: QueryResolvers = {
  order: (_, args, ctx) => orderById(ctx, args),
  orders: (_, args, ctx) => listOrders(ctx, args),
  quote: (_, args, ctx) => quote(ctx, args),
  discountCodes: (_, __, ctx) => listDiscountCodes(ctx),
};
