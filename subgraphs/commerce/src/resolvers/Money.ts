import type { MoneyResolvers } from '../generated/graphql.js';
import { formattedPrice } from '../services/pricing.service.js';

/** Money as read from a row's amount and currency; it is formatted only when asked for. */
export const Money: MoneyResolvers = {
  amountMinor: (p) => p.amount_minor,
  formatted: (p) => formattedPrice(p),
};
