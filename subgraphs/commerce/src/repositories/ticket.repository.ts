import { keysetPage } from '@academy/service-kit';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { CommerceDatabase, Ticket, TicketType } from '../db/database.js';
import type { CommerceOrderItemAttendees, CommerceTickets, CommerceTicketTypes } from '../generated/tables.js';

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

/** Records who each ticket of an order item is for (positions 1..n). */
export async function insertAttendees(db: Db, rows: Insertable<CommerceOrderItemAttendees>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('commerce.order_item_attendees').values(rows).execute();
}

/** The attendees named for the given order items, by item and position. */
export function findAttendeesOfItems(db: Db, itemIds: readonly string[]) {
  return db
    .selectFrom('commerce.order_item_attendees')
    .selectAll()
    .where('order_item_id', '=', sql<string>`ANY(${itemIds}::uuid[])`)
    .orderBy('order_item_id')
    .orderBy('position')
    .execute();
}

/**
 * Inserts tickets, skipping any (order item, position) issued already, so issuing an order's
 * tickets twice issues them once. Returns the tickets inserted now.
 */
export function insertTicketsIfAbsent(db: Db, rows: Insertable<CommerceTickets>[]): Promise<Ticket[]> {
  if (rows.length === 0) return Promise.resolve([]);
  return db
    .insertInto('commerce.tickets')
    .values(rows)
    .onConflict((oc) => oc.constraint('tickets_item_position_key').doNothing())
    .returningAll()
    .execute();
}

/** The tickets of the given orders, in item and attendee order. */
export function findTicketsOfOrders(db: Db, orderIds: readonly string[]): Promise<Ticket[]> {
  return db
    .selectFrom('commerce.tickets as t')
    .innerJoin('commerce.order_items as i', 'i.id', 't.order_item_id')
    .selectAll('t')
    .where('t.order_id', '=', sql<string>`ANY(${orderIds}::uuid[])`)
    .orderBy('t.order_id')
    .orderBy('i.position')
    .orderBy('t.position')
    .execute();
}

/** A ticket by its code, locked for the rest of the transaction, with its event's organizer. */
export function lockTicketByCode(db: Db, code: string): Promise<(Ticket & { organizer_id: string }) | undefined> {
  return db
    .selectFrom('commerce.tickets as t')
    .innerJoin('commerce.events as e', 'e.id', 't.event_id')
    .selectAll('t')
    .select('e.organizer_id')
    .where('t.code', '=', code)
    .forUpdate('t')
    .executeTakeFirst();
}

/** Checks a VALID ticket in; undefined when it was not VALID. */
export function markTicketCheckedIn(db: Db, id: string, by: string, at: Date): Promise<Ticket | undefined> {
  return db
    .updateTable('commerce.tickets')
    .set({ status: 'CHECKED_IN', checked_in_at: at, checked_in_by: by })
    .where('id', '=', id)
    .where('status', '=', 'VALID')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Cancels an order's tickets not cancelled yet (only those of `itemIds` when given), returning
 * the ones it cancelled: a repeat cancels nothing, so their ticket types are released once.
 */
export function cancelTickets(db: Db, orderId: string, itemIds: readonly string[] | null, at: Date): Promise<Ticket[]> {
  let query = db
    .updateTable('commerce.tickets')
    .set({ status: 'CANCELLED', cancelled_at: at })
    .where('order_id', '=', orderId)
    .where('status', '<>', 'CANCELLED');
  if (itemIds) query = query.where('order_item_id', '=', sql<string>`ANY(${itemIds}::uuid[])`);
  return query.returningAll().execute();
}

/** One page of an event's tickets, oldest first, with the exact total, in one statement. */
export function findTicketPageOfEvent(db: Db, query: { eventId: string; limit: number; after: [string, string] | null }) {
  return keysetPage<Ticket & { cursor_key: string }>(db, {
    filtered: sql`SELECT t.*, t.issued_at::text AS cursor_key FROM commerce.tickets t WHERE t.event_id = ${query.eventId}::uuid`,
    sortColumn: 'issued_at',
    after: query.after ? sql`(${query.after[0]}::timestamptz, ${query.after[1]}::uuid)` : null,
    limit: query.limit,
  });
}
