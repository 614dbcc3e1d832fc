import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { CommerceDatabase, OrderItem, Refund } from '../db/database.js';
import type { RefundStatus } from '../generated/graphql.js';
import type { CommercePayments, CommerceRefunds } from '../generated/tables.js';

type Db = Kysely<CommerceDatabase>;

/** The statuses whose amount counts against what an order paid: asked for, approved, paid back. */
export const RESERVING_REFUND_STATUSES: readonly RefundStatus[] = ['REQUESTED', 'APPROVED', 'COMPLETED'];

/** Inserts a refund. */
export function insertRefund(db: Db, values: Insertable<CommerceRefunds>): Promise<Refund> {
  return db.insertInto('commerce.refunds').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Inserts an automatic refund of one item unless that item has one already (then undefined). */
export function insertAutomaticRefund(db: Db, values: Insertable<CommerceRefunds> & { order_item_id: string }): Promise<Refund | undefined> {
  return db
    .insertInto('commerce.refunds')
    .values({ ...values, automatic: true })
    .onConflict((oc) => oc.column('order_item_id').where('automatic', '=', sql.lit(true)).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The given refunds. */
export function findRefundsByIds(db: Db, ids: readonly string[]): Promise<Refund[]> {
  return db.selectFrom('commerce.refunds').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** A refund locked for the rest of the transaction. */
export function lockRefund(db: Db, id: string): Promise<Refund | undefined> {
  return db.selectFrom('commerce.refunds').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The refunds of the given orders, oldest first. */
export function findRefundsOfOrders(db: Db, orderIds: readonly string[]): Promise<Refund[]> {
  return db
    .selectFrom('commerce.refunds')
    .selectAll()
    .where('order_id', '=', sql<string>`ANY(${orderIds}::uuid[])`)
    .orderBy('order_id')
    .orderBy('requested_at')
    .orderBy('id')
    .execute();
}

/** What an order's asked-for, approved and completed refunds add up to (read under the order's lock). */
export async function sumReservedRefunds(db: Db, orderId: string): Promise<number> {
  const row = await db
    .selectFrom('commerce.refunds')
    .select(sql<number>`coalesce(sum(amount_minor), 0)::int`.as('reserved'))
    .where('order_id', '=', orderId)
    .where('status', 'in', [...RESERVING_REFUND_STATUSES])
    .executeTakeFirstOrThrow();
  return row.reserved;
}

/** Changes a refund only while it is in one of `from`; undefined when it was in another status. */
export function updateRefund(db: Db, id: string, from: readonly RefundStatus[], set: Updateable<CommerceRefunds>): Promise<Refund | undefined> {
  return db.updateTable('commerce.refunds').set(set).where('id', '=', id).where('status', 'in', [...from]).returningAll().executeTakeFirst();
}

/** Approved refunds not yet sent to the provider with an answer, oldest decision first. */
export async function findUnsettledRefundIds(db: Db, decidedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('commerce.refunds')
    .select('id')
    .where('status', '=', 'APPROVED')
    .where('provider_refund_reference', 'is', null)
    .where('decided_at', '<', decidedBefore)
    .orderBy('decided_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The automatic refund of the order's item for a registration, if there is one. */
export function findAutomaticRefundOfRegistration(db: Db, orderId: string, registrationId: string): Promise<Refund | undefined> {
  return db
    .selectFrom('commerce.refunds as r')
    .innerJoin('commerce.order_items as i', 'i.id', 'r.order_item_id')
    .selectAll('r')
    .where('r.order_id', '=', orderId)
    .where('i.registration_id', '=', registrationId)
    .where('r.automatic', '=', true)
    .executeTakeFirst();
}

/** The order's item holding a registration's seat. */
export function findSeatItem(db: Db, orderId: string, registrationId: string): Promise<OrderItem | undefined> {
  return db.selectFrom('commerce.order_items').selectAll().where('order_id', '=', orderId).where('registration_id', '=', registrationId).executeTakeFirst();
}

/** Adds a completed refund's amount to what the order has had back. */
export async function addRefundedAmount(db: Db, orderId: string, amountMinor: number): Promise<void> {
  await db
    .updateTable('commerce.orders')
    .set({ refunded_minor: sql`refunded_minor + ${amountMinor}`, updated_at: new Date() })
    .where('id', '=', orderId)
    .execute();
}

/** The payment that took an order's money (SUCCEEDED, or REFUNDED once wholly paid back). */
export function findTakenPayment(db: Db, orderId: string): Promise<Selectable<CommercePayments> | undefined> {
  return db.selectFrom('commerce.payments').selectAll().where('order_id', '=', orderId).where('status', 'in', ['SUCCEEDED', 'REFUNDED']).executeTakeFirst();
}

/** Marks an order's succeeded payment as paid back (the order is wholly refunded). */
export async function markPaymentRefunded(db: Db, orderId: string, at: Date): Promise<void> {
  await db.updateTable('commerce.payments').set({ status: 'REFUNDED', updated_at: at }).where('order_id', '=', orderId).where('status', '=', 'SUCCEEDED').execute();
}
