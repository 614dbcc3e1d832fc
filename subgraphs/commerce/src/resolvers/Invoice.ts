import type { InvoiceResolvers } from '../generated/graphql.js';
import { amountOf } from '../services/pricing.service.js';

export const Invoice: InvoiceResolvers = {
  issuedAt: (invoice) => invoice.issued_at,
  customer: (invoice) => ({ __typename: 'User', id: invoice.user_id }),
  lines: (invoice) => invoice.lines,
  subtotal: (invoice) => amountOf(invoice.subtotal_minor, invoice.currency),
  discount: (invoice) => amountOf(invoice.discount_minor, invoice.currency),
  total: (invoice) => amountOf(invoice.total_minor, invoice.currency),
};
