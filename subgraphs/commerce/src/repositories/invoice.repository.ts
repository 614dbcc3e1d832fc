import { sql, type Insertable, type Kysely } from 'kysely';
import type { CommerceDatabase, Invoice } from '../db/database.js';
import type { CommerceInvoices } from '../generated/tables.js';

type Db = Kysely<CommerceDatabase>;

/**
 * The next invoice number of `year`: the year's counter row is created or incremented and stays
 * locked until the transaction ends, so numbers are handed out one at a time and a rolled-back
 * transaction gives its number back (no gaps).
 */
export async function takeInvoiceNumber(db: Db, year: number): Promise<number> {
  const { rows } = await sql<{ last_number: number }>`
    INSERT INTO commerce.invoice_counters AS c (year, last_number) VALUES (${year}, 1)
    ON CONFLICT (year) DO UPDATE SET last_number = c.last_number + 1
    RETURNING c.last_number`.execute(db);
  return rows[0]!.last_number;
}

/** Inserts an invoice. */
export function insertInvoice(db: Db, values: Insertable<CommerceInvoices>): Promise<Invoice> {
  return db.insertInto('commerce.invoices').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The invoices of the given orders. */
export function findInvoicesOfOrders(db: Db, orderIds: readonly string[]): Promise<Invoice[]> {
  return db.selectFrom('commerce.invoices').selectAll().where('order_id', '=', sql<string>`ANY(${orderIds}::uuid[])`).execute();
}
