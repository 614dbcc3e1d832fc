import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A refund of (part of) a paid order. amount is what comes off the order, fee what is kept for
  // processing, net what goes back to the customer. REQUESTED and APPROVED refunds reserve their
  // amount: with the COMPLETED ones they never exceed what the order took (checked under the
  // order's row lock). An automatic refund (no seat for a paid registration) covers one item and
  // is made once per item.
  await sql`
    CREATE TABLE commerce.refunds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES commerce.orders (id) ON DELETE RESTRICT,
      order_item_id uuid REFERENCES commerce.order_items (id) ON DELETE RESTRICT,
      automatic boolean NOT NULL DEFAULT false,
      amount_minor integer NOT NULL CHECK (amount_minor > 0),
      fee_minor integer NOT NULL CHECK (fee_minor >= 0),
      net_minor integer NOT NULL,
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      status text NOT NULL DEFAULT 'REQUESTED' CHECK (status IN ('REQUESTED', 'APPROVED', 'REJECTED', 'COMPLETED', 'FAILED')),
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
      requested_by uuid,
      decided_by uuid,
      requested_at timestamptz NOT NULL DEFAULT now(),
      decided_at timestamptz,
      processed_at timestamptz,
      provider_refund_reference text,
      failure_reason text,
      CONSTRAINT refunds_net_check CHECK (fee_minor <= amount_minor AND net_minor = amount_minor - fee_minor),
      CONSTRAINT refunds_requester_check CHECK (automatic OR requested_by IS NOT NULL),
      CONSTRAINT refunds_decided_check CHECK ((status = 'REQUESTED') = (decided_at IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX refunds_order_idx ON commerce.refunds (order_id, requested_at, id)`.execute(db);
  await sql`CREATE UNIQUE INDEX refunds_automatic_item_key ON commerce.refunds (order_item_id) WHERE automatic`.execute(db);
  // Approved refunds the provider has not settled yet: the retry job's work list.
  await sql`CREATE INDEX refunds_approved_idx ON commerce.refunds (decided_at) WHERE status = 'APPROVED'`.execute(db);
  // Revenue figures: money in by paid_at, money back by processed_at.
  await sql`CREATE INDEX refunds_completed_idx ON commerce.refunds (currency, processed_at) WHERE status = 'COMPLETED'`.execute(db);
  await sql`CREATE INDEX orders_paid_idx ON commerce.orders (currency, paid_at) WHERE paid_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX commerce.orders_paid_idx`.execute(db);
  await sql`DROP TABLE commerce.refunds`.execute(db);
}
