import { sql, type Kysely } from 'kysely';

// Registrations hold seats: training_sessions.seats_taken counts the live ones (held, confirmed,
// attended, no-show), moved only together with a registration's status in one transaction. The
// partial unique index lets a user hold one live registration per session, whatever the
// concurrency; a cancelled or expired one does not stop registering again.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE scheduling.course_prices (
      course_id uuid PRIMARY KEY,
      amount_minor integer CHECK (amount_minor >= 0),
      currency text CHECK (currency ~ '^[A-Z]{3}$'),
      set_at timestamptz NOT NULL,
      CONSTRAINT course_prices_money_check CHECK ((amount_minor IS NULL) = (currency IS NULL))
    )`.execute(db);
  await sql`
    CREATE TABLE scheduling.registrations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES scheduling.training_sessions (id) ON DELETE RESTRICT,
      user_id uuid NOT NULL,
      status text NOT NULL
        CHECK (status IN ('PENDING_PAYMENT','CONFIRMED','CANCELLED','EXPIRED','ATTENDED','NO_SHOW')),
      hold_expires_at timestamptz,
      referred_by_user_id uuid,
      check_in_code text NOT NULL,
      order_id uuid,
      refund_due_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      confirmed_at timestamptz,
      ended_at timestamptz,
      CONSTRAINT registrations_check_in_code_key UNIQUE (check_in_code),
      CONSTRAINT registrations_hold_check CHECK (status <> 'PENDING_PAYMENT' OR hold_expires_at IS NOT NULL),
      CONSTRAINT registrations_referrer_check CHECK (referred_by_user_id <> user_id)
    )`.execute(db);
  await sql`
    CREATE UNIQUE INDEX registrations_live_key ON scheduling.registrations (session_id, user_id)
    WHERE status IN ('PENDING_PAYMENT','CONFIRMED','ATTENDED','NO_SHOW')`.execute(db);
  await sql`
    CREATE INDEX registrations_holds_idx ON scheduling.registrations (hold_expires_at)
    WHERE status = 'PENDING_PAYMENT'`.execute(db);
  await sql`CREATE INDEX registrations_session_idx ON scheduling.registrations (session_id, created_at)`.execute(db);
  await sql`CREATE INDEX registrations_user_idx ON scheduling.registrations (user_id, created_at)`.execute(db);
  await sql`
    CREATE TABLE scheduling.registration_requirements (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      registration_id uuid NOT NULL REFERENCES scheduling.registrations (id) ON DELETE CASCADE,
      position integer NOT NULL CHECK (position >= 1),
      kind text NOT NULL CHECK (kind IN ('DIETARY','ACCESSIBILITY','MEDICAL','OTHER')),
      description text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
      severity text NOT NULL CHECK (severity IN ('LOW','MEDIUM','HIGH')),
      confidential boolean NOT NULL DEFAULT false,
      share_with_trainer boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX registration_requirements_position_key ON scheduling.registration_requirements (registration_id, position)`.execute(db);
  // One record per registration: a repeated check-in finds it rather than adding a second.
  await sql`
    CREATE TABLE scheduling.attendance_records (
      registration_id uuid PRIMARY KEY REFERENCES scheduling.registrations (id) ON DELETE CASCADE,
      session_id uuid NOT NULL REFERENCES scheduling.training_sessions (id) ON DELETE RESTRICT,
      user_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('PRESENT','ABSENT','LATE','PARTIAL','EXCUSED')),
      checked_in_at timestamptz,
      checked_out_at timestamptz,
      recorded_by uuid,
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX attendance_records_session_idx ON scheduling.attendance_records (session_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE scheduling.attendance_records, scheduling.registration_requirements, scheduling.registrations, scheduling.course_prices`.execute(db);
}
