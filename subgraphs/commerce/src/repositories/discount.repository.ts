import { sql, type Insertable, type Kysely } from 'kysely';
import type { CommerceDatabase, DiscountCode } from '../db/database.js';
import type { CommerceDiscountCodes } from '../generated/tables.js';

type Db = Kysely<CommerceDatabase>;

/** Inserts a discount code; undefined when the code exists already. */
export function insertDiscountCode(db: Db, values: Insertable<CommerceDiscountCodes>): Promise<DiscountCode | undefined> {
  return db
    .insertInto('commerce.discount_codes')
    .values(values)
    .onConflict((oc) => oc.constraint('discount_codes_code_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Every discount code, newest first. */
export function findDiscountCodes(db: Db): Promise<DiscountCode[]> {
  return db.selectFrom('commerce.discount_codes').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
}

/** A discount code by its (upper-case) code. */
export function findDiscountCodeByCode(db: Db, code: string): Promise<DiscountCode | undefined> {
  return db.selectFrom('commerce.discount_codes').selectAll().where('code', '=', code).executeTakeFirst();
}

/**
 * Counts one use of the code, only if it is active, in its window at `at` and below its limit:
 * one guarded statement, so concurrent checkouts queue on the code's row and the limit is never
 * exceeded. undefined when no use was left (or the code stopped applying).
 */
export function takeDiscountUse(db: Db, id: string, at: Date): Promise<DiscountCode | undefined> {
  return db
    .updateTable('commerce.discount_codes')
    .set((eb) => ({ usage_count: eb('usage_count', '+', 1) }))
    .where('id', '=', id)
    .where('active', '=', true)
    .where(sql<boolean>`(usage_limit IS NULL OR usage_count < usage_limit)`)
    .where(sql<boolean>`(valid_from IS NULL OR valid_from <= ${at})`)
    .where(sql<boolean>`(valid_until IS NULL OR valid_until > ${at})`)
    .returningAll()
    .executeTakeFirst();
}

/** Records that an order used a code. */
export async function insertRedemption(db: Db, r: { codeId: string; orderId: string; userId: string; amountMinor: number; currency: string }): Promise<void> {
  await db
    .insertInto('commerce.discount_redemptions')
    .values({ discount_code_id: r.codeId, order_id: r.orderId, user_id: r.userId, amount_minor: r.amountMinor, currency: r.currency })
    .execute();
}

/** Gives an ended order's code use back: the redemption is released once, and the count goes down by what was released. */
export async function releaseRedemption(db: Db, orderId: string, at: Date): Promise<void> {
  await sql`
    WITH released AS (
      UPDATE commerce.discount_redemptions SET released_at = ${at}
      WHERE order_id = ${orderId}::uuid AND released_at IS NULL
      RETURNING discount_code_id
    )
    UPDATE commerce.discount_codes c SET usage_count = c.usage_count - 1
    FROM released r WHERE c.id = r.discount_code_id`.execute(db);
}
