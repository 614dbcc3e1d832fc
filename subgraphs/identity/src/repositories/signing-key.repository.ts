import { sql, type Kysely, type Transaction } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';

type Db = Kysely<IdentityDatabase> | Transaction<IdentityDatabase>;

/** A stored key pair, as the key store reads it. */
export interface StoredSigningKey {
  kid: string;
  public_jwk: Record<string, unknown>;
  private_key: string;
}

/** A key pair about to be stored. */
export type NewSigningKey = StoredSigningKey;

/** The key currently used for signing, or undefined when there is none. */
export async function findCurrentSigningKey(db: Db): Promise<StoredSigningKey | undefined> {
  return db
    .selectFrom('identity.signing_keys')
    .select(['kid', 'public_jwk', 'private_key'])
    .where('retired_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Stores `key` as the current key unless another process already stored one (the unique index
 * on the current key decides); returns whichever is current afterwards.
 */
export async function insertSigningKeyUnlessCurrent(db: Kysely<IdentityDatabase>, key: NewSigningKey): Promise<StoredSigningKey> {
  await sql`
    INSERT INTO identity.signing_keys (kid, public_jwk, private_key)
    VALUES (${key.kid}, ${JSON.stringify(key.public_jwk)}::jsonb, ${key.private_key})
    ON CONFLICT ((retired_at IS NULL)) WHERE retired_at IS NULL DO NOTHING`.execute(db);
  const current = await findCurrentSigningKey(db);
  if (!current) throw new Error('no current signing key after inserting one');
  return current;
}

/** Retires the current key (if any) and makes `key` current, in one transaction. */
export async function replaceCurrentSigningKey(db: Kysely<IdentityDatabase>, key: NewSigningKey): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await retireCurrentSigningKey(trx);
    await trx
      .insertInto('identity.signing_keys')
      .values({ kid: key.kid, public_jwk: JSON.stringify(key.public_jwk), private_key: key.private_key })
      .execute();
  });
}

/** Marks the current key retired: no longer used for signing, still published for a while. */
export async function retireCurrentSigningKey(db: Db): Promise<void> {
  await db.updateTable('identity.signing_keys').set({ retired_at: sql<Date>`now()` }).where('retired_at', 'is', null).execute();
}

/** The public JWKs of the current key and of keys retired after `retiredSince`, newest first. */
export async function findPublishedSigningKeys(db: Db, retiredSince: Date): Promise<Record<string, unknown>[]> {
  const rows = await db
    .selectFrom('identity.signing_keys')
    .select('public_jwk')
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredSince)]))
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => r.public_jwk);
}
