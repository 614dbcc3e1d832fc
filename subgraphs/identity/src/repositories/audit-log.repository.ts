import type { Kysely, Transaction } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';

/** What the audit log records. */
export type AuditAction =
  | 'user.signed_up'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.throttled'
  | 'role.granted'
  | 'role.revoked'
  | 'password_reset.requested'
  | 'password_reset.completed'
  | 'refresh_token.reuse_detected'
  | 'session.logged_out'
  | 'partner_client.created'
  | 'partner_client.secret_rotated'
  | 'partner_client.revoked';

export interface AuditEntryInput {
  action: AuditAction;
  actorUserId?: string | null;
  subjectUserId?: string | null;
  clientAddress?: string | null;
  /** Never a password or a secret token. */
  details?: Record<string, unknown>;
}

/** Appends an entry; pass the transaction making the change it records. */
export async function appendAuditEntry(db: Kysely<IdentityDatabase> | Transaction<IdentityDatabase>, entry: AuditEntryInput): Promise<void> {
  await db
    .insertInto('identity.audit_log')
    .values({
      action: entry.action,
      actor_user_id: entry.actorUserId ?? null,
      subject_user_id: entry.subjectUserId ?? null,
      client_address: entry.clientAddress ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
