import type { InvoiceLineResolvers } from '../generated/graphql.js';
import { amountOf } from '../services/pricing.service.js';

export const InvoiceLine: InvoiceLineResolvers = {
  unitPrice: (line) => amountOf(line.unitPriceMinor, line.currency),
  total: (line) => amountOf(line.totalMinor, line.currency),
};
