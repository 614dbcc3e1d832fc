import { sql, type Insertable, type Kysely } from 'kysely';
import type { CommerceDatabase, TicketType } from '../db/database.js';
import type { CommerceTicketTypes } from '../generated/tables.js';

type Db = Kysely<CommerceDatabase>;

/** Inserts a ticket type. */
export function insertTicketType(db: Db, values: Insertable<CommerceTicketTypes>): Promise<TicketType> {
  return db.insertInto('commerce.ticket_types').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The given ticket types. */
export function findTicketTypesByIds(db: Db, ids: readonly string[]): Promise<TicketType[]> {
  return db.selectFrom('commerce.ticket_types').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** The ticket types of the given events, oldest first. */
export function findTicketTypesOfEvents(db: Db, eventIds: readonly string[]): Promise<TicketType[]> {
  return db
    .selectFrom('commerce.ticket_types')
    .selectAll()
    .where('event_id', '=', sql<string>`ANY(${eventIds}::uuid[])`)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Takes `quantity` tickets only if that many are left: one guarded statement, so concurrent
 * checkouts queue on the row and `sold` never passes `quantity`. undefined when too few are left.
 */
export function takeTickets(db: Db, id: string, quantity: number): Promise<TicketType | undefined> {
  return db
    .updateTable('commerce.ticket_types')
    .set((eb) => ({ sold: eb('sold', '+', quantity) }))
    .where('id', '=', id)
    .where(sql<boolean>`sold + ${quantity} <= quantity`)
    .returningAll()
    .executeTakeFirst();
}

/** Gives tickets back (an unpaid order ended). */
export async function releaseTickets(db: Db, id: string, quantity: number): Promise<void> {
  await db
    .updateTable('commerce.ticket_types')
    .set((eb) => ({ sold: eb('sold', '-', quantity) }))
    .where('id', '=', id)
    .execute();
}
