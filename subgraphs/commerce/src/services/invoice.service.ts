// Invoices: one per paid order, issued in the transaction that marks the order PAID, numbered
// per calendar year (UTC) without gaps (INV-2026-000123).
import { isSelfOrRole } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceContext } from '../context.js';
import type { CommerceDatabase, Invoice, InvoiceLineRecord, Order, OrderItem } from '../db/database.js';
import { insertInvoice, takeInvoiceNumber } from '../repositories/invoice.repository.js';

/** The printed form of an invoice number: INV-, the year, and the number within the year (six digits at least). */
export const invoiceNumber = (year: number, sequence: number): string => `INV-${year}-${String(sequence).padStart(6, '0')}`;

/**
 * Issues the invoice of an order being paid, in the caller's transaction (the one that marks it
 * PAID): the year's counter is taken under its row lock, so concurrent payments queue for their
 * numbers and a payment rolled back gives its number back. Lines and totals are copied from the
 * order as it is now.
 */
export async function issueInvoice(trx: Kysely<CommerceDatabase>, order: Order, items: readonly OrderItem[], at: Date): Promise<Invoice> {
  const year = at.getUTCFullYear();
  const sequence = await takeInvoiceNumber(trx, year);
  const lines: InvoiceLineRecord[] = items.map((item) => ({
    description: item.description,
    quantity: item.quantity,
    unitPriceMinor: item.unit_price_minor,
    totalMinor: item.total_minor,
    currency: item.currency,
  }));
  return insertInvoice(trx, {
    number: invoiceNumber(year, sequence),
    order_id: order.id,
    user_id: order.user_id,
    issued_at: at,
    currency: order.currency,
    subtotal_minor: order.subtotal_minor,
    discount_minor: order.discount_minor,
    total_minor: order.total_minor,
    lines: JSON.stringify(lines),
  });
}

/** The invoice of an order, to its customer and ADMIN; null for anyone else or while unpaid. */
export async function invoiceOfOrder(ctx: CommerceContext, order: Order): Promise<Invoice | null> {
  if (!isSelfOrRole(ctx, order.user_id, 'ADMIN')) return null;
  return ctx.loaders.invoiceByOrder.load(order.id);
}
