import { keysetPage } from '@academy/service-kit';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { CommerceDatabase, Order, OrderItem } from '../db/database.js';
import type { OrderStatus } from '../generated/graphql.js';
import type { CommerceOrderItems, CommerceOrders } from '../generated/tables.js';

type Db = Kysely<CommerceDatabase>;

/** Inserts an order unless its reference is taken (then undefined: the caller draws another). */
export function insertOrderUnlessReferenceTaken(db: Db, values: Insertable<CommerceOrders>): Promise<Order | undefined> {
  return db
    .insertInto('commerce.orders')
    .values(values)
    .onConflict((oc) => oc.constraint('orders_reference_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Inserts an order's items. */
export function insertOrderItems(db: Db, items: Insertable<CommerceOrderItems>[]): Promise<OrderItem[]> {
  return db.insertInto('commerce.order_items').values(items).returningAll().execute();
}

/** The given orders. */
export function findOrdersByIds(db: Db, ids: readonly string[]): Promise<Order[]> {
  return db.selectFrom('commerce.orders').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** An order locked for the rest of the transaction. */
export function lockOrder(db: Db, id: string): Promise<Order | undefined> {
  return db.selectFrom('commerce.orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The items of the given orders, in position order. */
export function findItemsOfOrders(db: Db, orderIds: readonly string[]): Promise<OrderItem[]> {
  return db
    .selectFrom('commerce.order_items')
    .selectAll()
    .where('order_id', '=', sql<string>`ANY(${orderIds}::uuid[])`)
    .orderBy('order_id')
    .orderBy('position')
    .execute();
}

/**
 * For each given registration, the latest order holding its seat: a live one (PENDING, PAID or
 * refunded) before an ended one (CANCELLED, FAILED).
 */
export async function findOrdersOfRegistrations(db: Db, registrationIds: readonly string[]): Promise<(Order & { for_registration_id: string })[]> {
  const { rows } = await sql<Order & { for_registration_id: string }>`
    SELECT DISTINCT ON (i.registration_id) o.*, i.registration_id AS for_registration_id
    FROM commerce.order_items i JOIN commerce.orders o ON o.id = i.order_id
    WHERE i.registration_id = ANY(${registrationIds}::uuid[])
    ORDER BY i.registration_id, (o.status IN ('CANCELLED', 'FAILED')), o.created_at DESC`.execute(db);
  return rows;
}

/** Whether a PENDING or PAID order holds the registration's seat already. */
export async function findLiveOrderOfRegistration(db: Db, registrationId: string): Promise<Order | undefined> {
  return db
    .selectFrom('commerce.order_items as i')
    .innerJoin('commerce.orders as o', 'o.id', 'i.order_id')
    .selectAll('o')
    .where('i.registration_id', '=', registrationId)
    .where('o.status', 'in', ['PENDING', 'PAID'])
    .executeTakeFirst();
}

/**
 * Moves an order to `to` only from one of `from` (the state machine's check, guarded in SQL so
 * that of two concurrent changes one wins); undefined when the order was in another status.
 */
export function moveOrderStatus(db: Db, id: string, from: readonly OrderStatus[], to: OrderStatus, at: Date): Promise<Order | undefined> {
  return db
    .updateTable('commerce.orders')
    .set({
      status: to,
      updated_at: at,
      ...(to === 'PAID' ? { paid_at: at } : {}),
      ...(to === 'CANCELLED' ? { cancelled_at: at } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
}

/** Position of an order in a list: created_at as PostgreSQL prints it, and its id. */
export type OrderCursor = [string, string];

/** One page of orders, newest first, with the exact total and whether earlier rows exist, in one statement. */
export function findOrderPage(
  db: Db,
  query: { status: OrderStatus | null; customerId: string | null; from: Date | null; to: Date | null; limit: number; after: OrderCursor | null },
) {
  const conditions = [sql`true`];
  if (query.status) conditions.push(sql`o.status = ${query.status}`);
  if (query.customerId) conditions.push(sql`o.user_id = ${query.customerId}::uuid`);
  if (query.from) conditions.push(sql`o.created_at >= ${query.from}`);
  if (query.to) conditions.push(sql`o.created_at < ${query.to}`);
  return keysetPage<Order & { cursor_key: string }>(db, {
    filtered: sql`SELECT o.*, o.created_at::text AS cursor_key FROM commerce.orders o WHERE ${sql.join(conditions, sql` AND `)}`,
    sortColumn: 'created_at',
    descending: true,
    after: query.after ? sql`(${query.after[0]}::timestamptz, ${query.after[1]}::uuid)` : null,
    limit: query.limit,
  });
}

/**
 * Claims a user's idempotency key for this request, first in checkout's transaction: a
 * concurrent claim of the same key waits on the primary key until this transaction ends, then
 * finds the row. Answers true when claimed, false when the key was taken already.
 */
export async function claimIdempotencyKey(db: Db, key: { userId: string; key: string; requestHash: string }): Promise<boolean> {
  const row = await db
    .insertInto('commerce.idempotency_keys')
    .values({ user_id: key.userId, key: key.key, request_hash: key.requestHash })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

/** A user's idempotency key as recorded. */
export function findIdempotencyKey(db: Db, userId: string, key: string) {
  return db.selectFrom('commerce.idempotency_keys').selectAll().where('user_id', '=', userId).where('key', '=', key).executeTakeFirst();
}

/** Links a claimed idempotency key to the order it made. */
export async function setIdempotencyKeyOrder(db: Db, userId: string, key: string, orderId: string): Promise<void> {
  await db.updateTable('commerce.idempotency_keys').set({ order_id: orderId }).where('user_id', '=', userId).where('key', '=', key).execute();
}
