import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Role } from '@academy/service-kit';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  password_hash: string | null;
  first_name: string | null;
  last_name: string | null;
  display_name: string;
  avatar_url: string | null;
  bio: string | null;
  timezone: string | null;
  language: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UserRolesTable {
  user_id: string;
  role: Role;
  granted_at: Generated<Date>;
  granted_by: string | null;
}

/** A refresh token, by the SHA-256 of its value; its family is every token rotated from one sign-in. */
export interface RefreshTokensTable {
  id: Generated<string>;
  user_id: string;
  family_id: string;
  token_hash: Buffer;
  issued_at: Generated<Date>;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  replaced_by: string | null;
}

/** A single-use password reset token, by its SHA-256. */
export interface PasswordResetsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: Buffer;
  created_at: Generated<Date>;
  expires_at: Date;
  used_at: Date | null;
}

/** One logIn that got past the throttle; `success` is null while the password is checked. */
export interface LoginAttemptsTable {
  id: Generated<number>;
  email: string;
  client_address: string | null;
  success: boolean | null;
  attempted_at: Generated<Date>;
}

export type EmailStatus = 'pending' | 'sent' | 'failed';

/** An e-mail waiting for (or past) delivery by the mail worker. */
export interface EmailOutboxTable {
  id: Generated<string>;
  to_address: string;
  subject: string;
  text_body: string;
  status: Generated<EmailStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  created_at: Generated<Date>;
  sent_at: Date | null;
  last_error: string | null;
}

/** A code that lets people sign up with an extra role, a limited number of times. */
export interface InviteCodesTable {
  id: Generated<string>;
  code_hash: Buffer;
  role: Role;
  usage_limit: Generated<number>;
  usage_count: Generated<number>;
  expires_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

/** Append-only record of security-relevant events. */
export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: Generated<Date>;
  action: string;
  actor_user_id: string | null;
  subject_user_id: string | null;
  client_address: string | null;
  /** Written as JSON text, read back parsed. */
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

/** A key pair identity generated for signing access tokens. */
export interface SigningKeysTable {
  kid: string;
  /** The public half as a JWK (written as JSON text). */
  public_jwk: ColumnType<Record<string, unknown>, string, never>;
  /** PKCS#8 PEM. */
  private_key: string;
  created_at: Generated<Date>;
  retired_at: Date | null;
}

/** The identity subgraph's tables: its own schema only. */
export interface IdentityDatabase {
  'identity.users': UsersTable;
  'identity.user_roles': UserRolesTable;
  'identity.refresh_tokens': RefreshTokensTable;
  'identity.password_resets': PasswordResetsTable;
  'identity.login_attempts': LoginAttemptsTable;
  'identity.email_outbox': EmailOutboxTable;
  'identity.invite_codes': InviteCodesTable;
  'identity.audit_log': AuditLogTable;
  'identity.signing_keys': SigningKeysTable;
}

/** A user as the API reads it: never the password hash. */
export type User = Omit<Selectable<UsersTable>, 'password_hash'> & { roles: Role[] };

export type RefreshToken = Selectable<RefreshTokensTable>;
export type EmailMessage = Selectable<EmailOutboxTable>;
export type AuditEntry = Selectable<AuditLogTable>;
