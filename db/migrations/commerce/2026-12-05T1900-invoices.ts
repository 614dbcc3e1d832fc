import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Which token an attempt was made with, as a SHA-256 digest (never the token): a retried
  // payOrder with the same token is told apart from a new attempt with another one.
  await sql`ALTER TABLE commerce.payments ADD COLUMN token_fingerprint text`.execute(db);

  // Invoice numbers run per calendar year (UTC) without gaps: the year's row is incremented in
  // the transaction that marks the order paid, so a rolled-back payment gives its number back.
  await sql`
    CREATE TABLE commerce.invoice_counters (
      year integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
      last_number integer NOT NULL CHECK (last_number > 0)
    )`.execute(db);
  // One invoice per paid order, frozen when issued: its lines and totals are copied from the order.
  await sql`
    CREATE TABLE commerce.invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number text NOT NULL CONSTRAINT invoices_number_key UNIQUE CHECK (number ~ '^INV-[0-9]{4}-[0-9]{6,}$'),
      order_id uuid NOT NULL CONSTRAINT invoices_order_key UNIQUE REFERENCES commerce.orders (id) ON DELETE RESTRICT,
      user_id uuid NOT NULL,
      issued_at timestamptz NOT NULL,
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      subtotal_minor integer NOT NULL CHECK (subtotal_minor >= 0),
      discount_minor integer NOT NULL CHECK (discount_minor >= 0),
      total_minor integer NOT NULL CHECK (total_minor >= 0),
      lines jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array')
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE commerce.invoices, commerce.invoice_counters`.execute(db);
  await sql`ALTER TABLE commerce.payments DROP COLUMN token_fingerprint`.execute(db);
}
