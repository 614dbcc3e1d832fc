import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Commerce's copies of other domains' facts, kept from their events (never read from their tables).
  await sql`
    CREATE TABLE commerce.sessions (
      id uuid PRIMARY KEY,
      course_id uuid NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('SCHEDULED', 'CANCELLED')),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE commerce.seat_holds (
      registration_id uuid PRIMARY KEY,
      session_id uuid NOT NULL,
      user_id uuid NOT NULL,
      course_id uuid NOT NULL,
      hold_expires_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED')),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX seat_holds_user_idx ON commerce.seat_holds (user_id)`.execute(db);
  await sql`
    CREATE TABLE commerce.events (
      id uuid PRIMARY KEY,
      slug text NOT NULL,
      name text NOT NULL,
      organizer_id uuid NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE commerce.courses (
      id uuid PRIMARY KEY,
      title text NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE commerce.ticket_types (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      event_id uuid NOT NULL REFERENCES commerce.events (id),
      name text NOT NULL,
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      quantity integer NOT NULL CHECK (quantity > 0),
      sold integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ticket_types_sold_check CHECK (sold >= 0 AND sold <= quantity)
    )`.execute(db);
  await sql`CREATE INDEX ticket_types_event_idx ON commerce.ticket_types (event_id, created_at)`.execute(db);

  await sql`
    CREATE TABLE commerce.discount_codes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL CHECK (code ~ '^[A-Z0-9-]{3,32}$'),
      kind text NOT NULL CHECK (kind IN ('PERCENT', 'FIXED')),
      value integer NOT NULL CHECK (value > 0),
      currency text CHECK (currency ~ '^[A-Z]{3}$'),
      valid_from timestamptz,
      valid_until timestamptz,
      usage_limit integer CHECK (usage_limit > 0),
      usage_count integer NOT NULL DEFAULT 0,
      active boolean NOT NULL DEFAULT true,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT discount_codes_code_key UNIQUE (code),
      CONSTRAINT discount_codes_percent_check CHECK (kind = 'FIXED' OR value <= 100),
      CONSTRAINT discount_codes_fixed_currency_check CHECK ((kind = 'FIXED') = (currency IS NOT NULL)),
      CONSTRAINT discount_codes_window_check CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from),
      CONSTRAINT discount_codes_usage_check CHECK (usage_count >= 0 AND (usage_limit IS NULL OR usage_count <= usage_limit))
    )`.execute(db);

  // An order: what the customer buys, its totals fixed at checkout. Payments, refunds, tickets and
  // invoices refer to it (ON DELETE RESTRICT: money records are never cascaded away).
  await sql`
    CREATE TABLE commerce.orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL CHECK (reference ~ '^BK-[2-9A-HJ-NP-Z]{6}$'),
      user_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PAID', 'FAILED', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED')),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      subtotal_minor integer NOT NULL CHECK (subtotal_minor >= 0),
      discount_minor integer NOT NULL DEFAULT 0 CHECK (discount_minor >= 0 AND discount_minor <= subtotal_minor),
      total_minor integer NOT NULL,
      refunded_minor integer NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= total_minor),
      discount_code_id uuid REFERENCES commerce.discount_codes (id) ON DELETE RESTRICT,
      discount_code text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      paid_at timestamptz,
      cancelled_at timestamptz,
      CONSTRAINT orders_reference_key UNIQUE (reference),
      CONSTRAINT orders_totals_check CHECK (total_minor = subtotal_minor - discount_minor)
    )`.execute(db);
  await sql`CREATE INDEX orders_user_created_idx ON commerce.orders (user_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX orders_created_idx ON commerce.orders (created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX orders_status_idx ON commerce.orders (status, created_at)`.execute(db);

  await sql`
    CREATE TABLE commerce.order_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES commerce.orders (id) ON DELETE RESTRICT,
      position integer NOT NULL CHECK (position > 0),
      kind text NOT NULL CHECK (kind IN ('SESSION_SEAT', 'COURSE_ACCESS', 'EVENT_TICKET')),
      description text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      unit_price_minor integer NOT NULL CHECK (unit_price_minor >= 0),
      total_minor integer NOT NULL,
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      course_id uuid,
      session_id uuid,
      registration_id uuid,
      ticket_type_id uuid REFERENCES commerce.ticket_types (id) ON DELETE RESTRICT,
      CONSTRAINT order_items_position_key UNIQUE (order_id, position),
      CONSTRAINT order_items_line_total_check CHECK (total_minor = unit_price_minor * quantity),
      CONSTRAINT order_items_subject_check CHECK (
        (kind = 'SESSION_SEAT' AND registration_id IS NOT NULL AND session_id IS NOT NULL AND quantity = 1 AND ticket_type_id IS NULL)
        OR (kind = 'COURSE_ACCESS' AND course_id IS NOT NULL AND registration_id IS NULL AND ticket_type_id IS NULL AND quantity = 1)
        OR (kind = 'EVENT_TICKET' AND ticket_type_id IS NOT NULL AND registration_id IS NULL AND course_id IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX order_items_order_idx ON commerce.order_items (order_id, position)`.execute(db);
  await sql`CREATE INDEX order_items_registration_idx ON commerce.order_items (registration_id) WHERE registration_id IS NOT NULL`.execute(db);

  // One row per order that used a code; released_at is set when the order is cancelled (the use goes back).
  await sql`
    CREATE TABLE commerce.discount_redemptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      discount_code_id uuid NOT NULL REFERENCES commerce.discount_codes (id) ON DELETE RESTRICT,
      order_id uuid NOT NULL REFERENCES commerce.orders (id) ON DELETE RESTRICT,
      user_id uuid NOT NULL,
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      currency text NOT NULL,
      redeemed_at timestamptz NOT NULL DEFAULT now(),
      released_at timestamptz,
      CONSTRAINT discount_redemptions_order_key UNIQUE (order_id)
    )`.execute(db);
  await sql`CREATE INDEX discount_redemptions_code_idx ON commerce.discount_redemptions (discount_code_id)`.execute(db);

  // Checkout's idempotency keys, per user; the row is inserted first in checkout's transaction, so
  // concurrent calls with one key queue on the primary key and the later ones read the first's order.
  await sql`
    CREATE TABLE commerce.idempotency_keys (
      user_id uuid NOT NULL,
      key text NOT NULL CHECK (length(key) BETWEEN 8 AND 100),
      request_hash text NOT NULL,
      order_id uuid REFERENCES commerce.orders (id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, key)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE commerce.idempotency_keys, commerce.discount_redemptions, commerce.order_items, commerce.orders,
      commerce.discount_codes, commerce.ticket_types, commerce.courses, commerce.events, commerce.seat_holds, commerce.sessions`.execute(db);
}
