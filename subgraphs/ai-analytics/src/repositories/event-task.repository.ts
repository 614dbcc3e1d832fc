import { sql, type Kysely, type Transaction } from 'kysely';
import type { AiAnalyticsDatabase, EventTask, NewEventTask, ScheduledEvent } from '../db/database.js';

type Db = Kysely<AiAnalyticsDatabase>;
type Trx = Transaction<AiAnalyticsDatabase>;

/** Applies scheduling's EventScheduled to the copy (a replay writes the same values again). */
export async function upsertScheduledEvent(trx: Trx, event: ScheduledEvent): Promise<void> {
  await trx
    .insertInto('ai_analytics.scheduled_events')
    .values(event)
    .onConflict((oc) =>
      oc.column('event_id').doUpdateSet({
        slug: sql`EXCLUDED.slug`,
        name: sql`EXCLUDED.name`,
        organizer_id: sql`EXCLUDED.organizer_id`,
        starts_at: sql`EXCLUDED.starts_at`,
        ends_at: sql`EXCLUDED.ends_at`,
      }),
    )
    .execute();
}

/** The copies of these events. */
export function findScheduledEvents(db: Db | Trx, eventIds: readonly string[]): Promise<ScheduledEvent[]> {
  return db.selectFrom('ai_analytics.scheduled_events').selectAll().where('event_id', '=', sql<string>`ANY(${eventIds}::uuid[])`).execute();
}

/** The event's copy, locked against concurrent proposals until the transaction ends. */
export function lockScheduledEvent(trx: Trx, eventId: string): Promise<ScheduledEvent | undefined> {
  return trx.selectFrom('ai_analytics.scheduled_events').selectAll().where('event_id', '=', eventId).forUpdate().executeTakeFirst();
}

/** Stores proposals; a kind the event has already is left as it is. */
export async function insertProposedTasks(trx: Trx, tasks: readonly NewEventTask[]): Promise<void> {
  if (tasks.length === 0) return;
  await trx.insertInto('ai_analytics.event_tasks').values(tasks).onConflict((oc) => oc.columns(['event_id', 'kind']).doNothing()).execute();
}

/** The tasks of each of `eventIds` (all, or the accepted ones), soonest due first. */
export function listTasksOfEvents(db: Db | Trx, eventIds: readonly string[], includeProposed: boolean): Promise<EventTask[]> {
  let query = db.selectFrom('ai_analytics.event_tasks').selectAll().where('event_id', '=', sql<string>`ANY(${eventIds}::uuid[])`);
  if (!includeProposed) query = query.where('status', '=', 'ACCEPTED');
  return query.orderBy('event_id').orderBy('due_at').orderBy('kind').execute();
}

/** The task, locked until the transaction ends. */
export function lockTask(trx: Trx, id: string): Promise<EventTask | undefined> {
  return trx.selectFrom('ai_analytics.event_tasks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Puts a proposed task on the list; an accepted one stays as it was. */
export function acceptTask(trx: Trx, id: string, acceptedBy: string): Promise<EventTask> {
  return trx
    .updateTable('ai_analytics.event_tasks')
    .set({ status: 'ACCEPTED', accepted_at: sql`now()`, accepted_by: acceptedBy })
    .where('id', '=', id)
    .where('status', '=', 'PROPOSED')
    .returningAll()
    .executeTakeFirstOrThrow();
}
