// Notifications due later. One row per (kind, registration); the job takes due rows with
// FOR UPDATE SKIP LOCKED, so processes running it at once never take the same one.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CommunityDatabase, Reminder } from '../db/database.js';

type Db = Kysely<CommunityDatabase> | Transaction<CommunityDatabase>;

/** What a reminder reminds of. */
export type ReminderKind = 'SESSION_REMINDER' | 'SEAT_HOLD_EXPIRING';

/**
 * Plans a reminder. An existing one keeps its place unless it was cancelled, when it is planned
 * again: a reminder sent is never sent again.
 */
export async function planReminder(
  db: Db,
  reminder: { kind: ReminderKind; registrationId: string; sessionId: string; userId: string; dueAt: Date },
): Promise<void> {
  await db
    .insertInto('community.reminders')
    .values({
      kind: reminder.kind,
      registration_id: reminder.registrationId,
      session_id: reminder.sessionId,
      user_id: reminder.userId,
      due_at: reminder.dueAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['kind', 'registration_id'])
        .doUpdateSet((eb) => ({ status: 'PENDING', due_at: eb.ref('excluded.due_at'), done_at: null }))
        .where('community.reminders.status', '=', 'CANCELLED'),
    )
    .execute();
}

/** Cancels the pending reminders of a registration (of one kind, or all) or of a whole session. */
export async function cancelReminders(db: Db, of: { registrationId?: string; sessionId?: string; kind?: ReminderKind }): Promise<void> {
  let query = db.updateTable('community.reminders').set({ status: 'CANCELLED', done_at: sql<Date>`now()` }).where('status', '=', 'PENDING');
  if (of.registrationId) query = query.where('registration_id', '=', of.registrationId);
  if (of.sessionId) query = query.where('session_id', '=', of.sessionId);
  if (of.kind) query = query.where('kind', '=', of.kind);
  await query.execute();
}

/** Up to `limit` reminders due at `asOf`, oldest first, locked until the transaction ends; rows another process holds are skipped. */
export async function claimDueReminders(trx: Transaction<CommunityDatabase>, asOf: Date, limit: number): Promise<Reminder[]> {
  return trx
    .selectFrom('community.reminders')
    .selectAll()
    .where('status', '=', 'PENDING')
    .where('due_at', '<=', asOf)
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Records what became of a claimed reminder. */
export async function finishReminder(db: Db, id: string, status: 'SENT' | 'SKIPPED', notificationId: string | null): Promise<void> {
  await db.updateTable('community.reminders').set({ status, notification_id: notificationId, done_at: sql<Date>`now()` }).where('id', '=', id).execute();
}
