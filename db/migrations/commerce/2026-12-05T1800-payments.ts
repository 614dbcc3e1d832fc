import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per attempt to pay an order through a provider. Payments are never deleted while
  // their order exists (RESTRICT), and an order has at most one payment that took its money.
  await sql`
    CREATE TABLE commerce.payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES commerce.orders (id) ON DELETE RESTRICT,
      status text NOT NULL DEFAULT 'REQUIRES_PAYMENT' CHECK (status IN ('REQUIRES_PAYMENT', 'SUCCEEDED', 'FAILED', 'REFUNDED')),
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      provider text NOT NULL,
      provider_reference text,
      failure_reason text,
      next_action_url text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      succeeded_at timestamptz,
      CONSTRAINT payments_provider_reference_key UNIQUE (provider, provider_reference)
    )`.execute(db);
  await sql`CREATE INDEX payments_order_idx ON commerce.payments (order_id, created_at)`.execute(db);
  await sql`CREATE UNIQUE INDEX payments_one_success_per_order ON commerce.payments (order_id) WHERE status IN ('SUCCEEDED', 'REFUNDED')`.execute(db);
  // Provider webhook events already acted on: a redelivered event is acknowledged and ignored.
  await sql`
    CREATE TABLE commerce.payment_webhook_events (
      provider text NOT NULL,
      event_id text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider, event_id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE commerce.payment_webhook_events, commerce.payments`.execute(db);
}
