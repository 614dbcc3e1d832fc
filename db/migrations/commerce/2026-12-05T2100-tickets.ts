import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Who each ticket of an EVENT_TICKET line is for, as given at checkout (one row per ticket,
  // positions 1..quantity). A line bought without attendees has none: its tickets are the buyer's.
  await sql`
    CREATE TABLE commerce.order_item_attendees (
      order_item_id uuid NOT NULL REFERENCES commerce.order_items (id) ON DELETE RESTRICT,
      position integer NOT NULL CHECK (position > 0),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
      PRIMARY KEY (order_item_id, position)
    )`.execute(db);

  // Tickets, issued when their order is paid: one per ticket bought, each with an unguessable
  // code (160 random bits, base64url) for check-in. A ticket names its attendee, or (bought
  // without attendees) the buyer's account. Money records are never cascaded away.
  await sql`
    CREATE TABLE commerce.tickets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES commerce.orders (id) ON DELETE RESTRICT,
      order_item_id uuid NOT NULL REFERENCES commerce.order_items (id) ON DELETE RESTRICT,
      position integer NOT NULL CHECK (position > 0),
      ticket_type_id uuid NOT NULL REFERENCES commerce.ticket_types (id) ON DELETE RESTRICT,
      event_id uuid NOT NULL REFERENCES commerce.events (id) ON DELETE RESTRICT,
      buyer_id uuid NOT NULL,
      attendee_name text CHECK (length(attendee_name) BETWEEN 1 AND 200),
      attendee_email text CHECK (length(attendee_email) BETWEEN 3 AND 254),
      attendee_user_id uuid,
      code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{27,}$'),
      status text NOT NULL DEFAULT 'VALID' CHECK (status IN ('VALID', 'CANCELLED', 'CHECKED_IN')),
      issued_at timestamptz NOT NULL DEFAULT now(),
      checked_in_at timestamptz,
      checked_in_by uuid,
      cancelled_at timestamptz,
      CONSTRAINT tickets_code_key UNIQUE (code),
      CONSTRAINT tickets_item_position_key UNIQUE (order_item_id, position),
      CONSTRAINT tickets_attendee_check CHECK (
        (attendee_name IS NOT NULL AND attendee_email IS NOT NULL) OR (attendee_name IS NULL AND attendee_email IS NULL AND attendee_user_id IS NOT NULL)),
      CONSTRAINT tickets_checked_in_check CHECK (status <> 'CHECKED_IN' OR (checked_in_at IS NOT NULL AND checked_in_by IS NOT NULL)),
      CONSTRAINT tickets_cancelled_check CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX tickets_order_idx ON commerce.tickets (order_id, order_item_id, position)`.execute(db);
  await sql`CREATE INDEX tickets_event_idx ON commerce.tickets (event_id, issued_at, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE commerce.tickets, commerce.order_item_attendees`.execute(db);
}
