import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { CommerceDatabase, Payment } from '../db/database.js';
import type { CommercePayments } from '../generated/tables.js';

type Db = Kysely<CommerceDatabase>;

/** Inserts a payment attempt. */
export function insertPayment(db: Db, values: Insertable<CommercePayments>): Promise<Payment> {
  return db.insertInto('commerce.payments').values(values).returningAll().executeTakeFirstOrThrow();
}

/** A payment locked for the rest of the transaction. */
export function lockPayment(db: Db, id: string): Promise<Payment | undefined> {
  return db.selectFrom('commerce.payments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The payment a provider knows by `providerReference`. */
export function findPaymentByProviderReference(db: Db, provider: string, providerReference: string): Promise<Payment | undefined> {
  return db.selectFrom('commerce.payments').selectAll().where('provider', '=', provider).where('provider_reference', '=', providerReference).executeTakeFirst();
}

/** The payments of the given orders, oldest first. */
export function findPaymentsOfOrders(db: Db, orderIds: readonly string[]): Promise<Payment[]> {
  return db
    .selectFrom('commerce.payments')
    .selectAll()
    .where('order_id', '=', sql<string>`ANY(${orderIds}::uuid[])`)
    .orderBy('order_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Changes a payment still waiting (REQUIRES_PAYMENT); undefined when it is not waiting any more. */
export function updateWaitingPayment(db: Db, id: string, values: Updateable<CommercePayments>): Promise<Payment | undefined> {
  return db
    .updateTable('commerce.payments')
    .set(values)
    .where('id', '=', id)
    .where('status', '=', 'REQUIRES_PAYMENT')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Records a provider webhook event as acted on, first in the transaction that acts on it: a
 * concurrent delivery of the same event waits on the primary key. False when it was recorded before.
 */
export async function recordWebhookEvent(db: Db, provider: string, eventId: string): Promise<boolean> {
  const row = await db
    .insertInto('commerce.payment_webhook_events')
    .values({ provider, event_id: eventId })
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}
