// Frozen on 2026-11-22: what signing in needs beside the users themselves. Refresh tokens,
// reset tokens and invite codes are stored only as SHA-256 hashes; the audit log is
// append-only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE identity.refresh_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
      family_id uuid NOT NULL,
      token_hash bytea NOT NULL CHECK (length(token_hash) = 32),
      issued_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      replaced_by uuid REFERENCES identity.refresh_tokens (id) ON DELETE SET NULL,
      CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
    )`.execute(db);
  await sql`CREATE INDEX refresh_tokens_family_idx ON identity.refresh_tokens (family_id)`.execute(db);
  await sql`CREATE INDEX refresh_tokens_user_idx ON identity.refresh_tokens (user_id) WHERE revoked_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE identity.password_resets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
      token_hash bytea NOT NULL CHECK (length(token_hash) = 32),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      CONSTRAINT password_resets_token_hash_key UNIQUE (token_hash)
    )`.execute(db);
  await sql`CREATE INDEX password_resets_user_idx ON identity.password_resets (user_id, created_at)`.execute(db);

  // One row per logIn that got past the throttle; success stays null while the password is
  // being checked, so concurrent attempts count against the limits from the start.
  await sql`
    CREATE TABLE identity.login_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL CHECK (length(email) <= 254),
      client_address text,
      success boolean,
      attempted_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX login_attempts_email_idx ON identity.login_attempts (email, attempted_at)`.execute(db);
  await sql`CREATE INDEX login_attempts_address_idx ON identity.login_attempts (client_address, attempted_at)`.execute(db);

  await sql`
    CREATE TABLE identity.email_outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      to_address text NOT NULL CHECK (length(to_address) <= 254),
      subject text NOT NULL,
      text_body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      last_error text
    )`.execute(db);
  await sql`CREATE INDEX email_outbox_due_idx ON identity.email_outbox (next_attempt_at) WHERE status = 'pending'`.execute(db);

  await sql`
    CREATE TABLE identity.invite_codes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
      role text NOT NULL CHECK (role IN ('LEARNER','TRAINER','CONTENT_AUTHOR','ORGANIZER','ANALYST','PARTNER','ADMIN')),
      usage_limit integer NOT NULL DEFAULT 1 CHECK (usage_limit >= 1),
      usage_count integer NOT NULL DEFAULT 0 CHECK (usage_count >= 0 AND usage_count <= usage_limit),
      expires_at timestamptz,
      created_by uuid REFERENCES identity.users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT invite_codes_code_hash_key UNIQUE (code_hash)
    )`.execute(db);

  // No foreign keys: the record of what happened outlives the users it names.
  await sql`
    CREATE TABLE identity.audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      action text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
      actor_user_id uuid,
      subject_user_id uuid,
      client_address text,
      details jsonb NOT NULL DEFAULT '{}'
    )`.execute(db);
  await sql`CREATE INDEX audit_log_subject_idx ON identity.audit_log (subject_user_id, occurred_at)`.execute(db);
  await sql`CREATE INDEX audit_log_action_idx ON identity.audit_log (action, occurred_at)`.execute(db);
  // The subgraph's role is granted UPDATE and DELETE on every table of its schema; this keeps
  // the audit log append-only all the same.
  await sql`
    CREATE FUNCTION identity.refuse_audit_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'identity.audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON identity.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION identity.refuse_audit_log_change()`.execute(db);

  // Access-token signing keys generated by identity itself (when none is configured).
  await sql`
    CREATE TABLE identity.signing_keys (
      kid text PRIMARY KEY,
      public_jwk jsonb NOT NULL,
      private_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz
    )`.execute(db);
  // At most one current key, so processes starting together cannot each make their own.
  await sql`CREATE UNIQUE INDEX signing_keys_one_current_idx ON identity.signing_keys ((retired_at IS NULL)) WHERE retired_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE identity.signing_keys, identity.audit_log, identity.invite_codes, identity.email_outbox,
      identity.login_attempts, identity.password_resets, identity.refresh_tokens`.execute(db);
  await sql`DROP FUNCTION identity.refuse_audit_log_change()`.execute(db);
}
