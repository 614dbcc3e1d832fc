import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A notification caused by a domain event carries a key naming its kind and the event's
  // aggregate (and its user), unique per user: redelivering the event, replaying the outbox or a
  // consumer restarted mid-batch cannot tell anyone twice. Notifications made by requests keep NULL.
  await sql`ALTER TABLE community.notifications
    ADD COLUMN dedupe_key text CHECK (length(dedupe_key) <= 200),
    ADD COLUMN in_app boolean NOT NULL DEFAULT true`.execute(db);
  await sql`CREATE UNIQUE INDEX notifications_dedupe_key ON community.notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL`.execute(db);

  // How each user wants each kind of notification; no row: the kind's defaults.
  await sql`
    CREATE TABLE community.notification_preferences (
      user_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind ~ '^[A-Z][A-Z0-9_]{0,63}$'),
      in_app boolean NOT NULL,
      email boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, kind)
    )`.execute(db);
  // A user's quiet hours: e-mails falling in [starts_at, ends_at) local time wait until they end.
  await sql`
    CREATE TABLE community.notification_quiet_hours (
      user_id uuid PRIMARY KEY,
      starts_at time NOT NULL,
      ends_at time NOT NULL CHECK (ends_at <> starts_at),
      time_zone text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Community's copy of scheduling's sessions and registrations, built from its events: whom to
  // tell about a session, who belongs in its room, and when to remind them.
  await sql`
    CREATE TABLE community.training_sessions (
      session_id uuid PRIMARY KEY,
      course_id uuid NOT NULL,
      trainer_user_id uuid,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      cancelled_at timestamptz
    )`.execute(db);
  await sql`
    CREATE TABLE community.session_registrations (
      registration_id uuid PRIMARY KEY,
      session_id uuid NOT NULL,
      user_id uuid NOT NULL,
      course_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('HELD','CONFIRMED','CANCELLED','EXPIRED')),
      hold_expires_at timestamptz,
      cancel_reason text,
      changed_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX session_registrations_session_idx ON community.session_registrations (session_id, status)`.execute(db);

  // Notifications due later (session reminders, seat holds about to lapse): one per kind and
  // registration, taken by the job with FOR UPDATE SKIP LOCKED when due.
  await sql`
    CREATE TABLE community.reminders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('SESSION_REMINDER','SEAT_HOLD_EXPIRING')),
      registration_id uuid NOT NULL,
      session_id uuid NOT NULL,
      user_id uuid NOT NULL,
      due_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','SENT','CANCELLED','SKIPPED')),
      notification_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      done_at timestamptz,
      CONSTRAINT reminders_kind_registration_key UNIQUE (kind, registration_id)
    )`.execute(db);
  await sql`CREATE INDEX reminders_due_idx ON community.reminders (due_at) WHERE status = 'PENDING'`.execute(db);

  // A session's room is archived when the session is cancelled.
  await sql`ALTER TABLE community.chat_rooms ADD COLUMN archived_at timestamptz`.execute(db);

  // The key unsubscribe links are signed with: made once, shared by every community process.
  await sql`
    CREATE TABLE community.link_keys (
      purpose text PRIMARY KEY,
      secret bytea NOT NULL CHECK (length(secret) >= 32),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // identity reads community's NotificationEmailRequested events to write the e-mails.
  await sql`GRANT USAGE ON SCHEMA community_events TO academy_identity`.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION community_events.read_outbox(xid8, bigint, integer) TO academy_identity`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`REVOKE EXECUTE ON FUNCTION community_events.read_outbox(xid8, bigint, integer) FROM academy_identity`.execute(db);
  await sql`REVOKE USAGE ON SCHEMA community_events FROM academy_identity`.execute(db);
  await sql`DROP TABLE community.link_keys, community.reminders, community.session_registrations, community.training_sessions,
    community.notification_quiet_hours, community.notification_preferences`.execute(db);
  await sql`ALTER TABLE community.chat_rooms DROP COLUMN archived_at`.execute(db);
  await sql`DROP INDEX community.notifications_dedupe_key`.execute(db);
  await sql`ALTER TABLE community.notifications DROP COLUMN in_app, DROP COLUMN dedupe_key`.execute(db);
}
