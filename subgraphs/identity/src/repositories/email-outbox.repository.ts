import { sql, type Kysely, type Transaction } from 'kysely';
import type { EmailMessage, IdentityDatabase } from '../db/database.js';

type Db = Kysely<IdentityDatabase> | Transaction<IdentityDatabase>;

/** Queues an e-mail; pass the transaction making the change it announces. Its id. */
export async function enqueueEmail(db: Db, email: { to: string; subject: string; text: string }): Promise<string> {
  const row = await db
    .insertInto('identity.email_outbox')
    .values({ to_address: email.to, subject: email.subject, text_body: email.text })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The oldest due pending e-mail, its row locked until the transaction ends; rows another
 * worker holds are skipped, so no two workers send the same message.
 */
export async function claimDueEmail(db: Transaction<IdentityDatabase>): Promise<EmailMessage | undefined> {
  return db
    .selectFrom('identity.email_outbox')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', sql<Date>`now()`)
    .orderBy('next_attempt_at')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

export async function markEmailSent(db: Db, id: string): Promise<void> {
  await db
    .updateTable('identity.email_outbox')
    .set((eb) => ({ status: 'sent', sent_at: sql<Date>`now()`, attempts: eb('attempts', '+', 1), last_error: null }))
    .where('id', '=', id)
    .execute();
}

/** Records a failed delivery: tried again after `retryInMs`, or marked failed for good when that is null. */
export async function markEmailAttemptFailed(db: Db, id: string, error: string, retryInMs: number | null): Promise<void> {
  await db
    .updateTable('identity.email_outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error.slice(0, 2000),
      ...(retryInMs === null
        ? { status: 'failed' as const }
        : { next_attempt_at: sql<Date>`now() + make_interval(secs => ${retryInMs / 1000})` }),
    }))
    .where('id', '=', id)
    .execute();
}

/**
 * Queues an e-mail asked for by another subgraph, keyed by `sourceKey`: a second request with
 * the same key writes nothing. Sent at `sendAfter` at the earliest. Its id, or null when the key
 * was queued before.
 */
export async function enqueueEmailOnce(
  db: Db,
  email: { to: string; subject: string; text: string; sourceKey: string; sendAfter: Date },
): Promise<string | null> {
  const row = await db
    .insertInto('identity.email_outbox')
    .values({ to_address: email.to, subject: email.subject, text_body: email.text, source_key: email.sourceKey, next_attempt_at: email.sendAfter })
    .onConflict((oc) => oc.column('source_key').where('source_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}
