import { sql, type Kysely } from 'kysely';

// Enrollments record how access was granted (a free enroll or a paid order) and when it ended;
// learning keeps its own copy of course prices, filled from commerce's CoursePriceSet events
// (never read from commerce's tables). A free course keeps a row with no amount, so that the
// newest set_at wins even when a price is removed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE learning.enrollments
      ADD COLUMN source text NOT NULL DEFAULT 'FREE' CHECK (source IN ('FREE','ORDER')),
      ADD COLUMN order_id uuid,
      ADD COLUMN cancelled_at timestamptz,
      ADD CONSTRAINT enrollments_order_source_check CHECK ((source = 'ORDER') = (order_id IS NOT NULL))`.execute(db);
  await sql`CREATE INDEX enrollments_user_enrolled_idx ON learning.enrollments (user_id, enrolled_at DESC, id DESC)`.execute(db);
  await sql`
    CREATE TABLE learning.course_prices (
      course_id uuid PRIMARY KEY,
      amount_minor integer CHECK (amount_minor > 0),
      currency text CHECK (currency ~ '^[A-Z]{3}$'),
      set_at timestamptz NOT NULL,
      CONSTRAINT course_prices_amount_currency_check CHECK ((amount_minor IS NULL) = (currency IS NULL))
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE learning.course_prices`.execute(db);
  await sql`DROP INDEX learning.enrollments_user_enrolled_idx`.execute(db);
  await sql`
    ALTER TABLE learning.enrollments DROP CONSTRAINT enrollments_order_source_check,
      DROP COLUMN cancelled_at, DROP COLUMN order_id, DROP COLUMN source`.execute(db);
}
