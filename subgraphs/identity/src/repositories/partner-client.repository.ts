import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';
import type { IdentityPartnerClients } from '../generated/tables.js';

type Db = Kysely<IdentityDatabase> | Transaction<IdentityDatabase>;

/** A partner client as stored (the secret only as its hash). */
export type PartnerClientRow = Selectable<IdentityPartnerClients>;

/** Stores a new partner client; the row. */
export async function insertPartnerClient(
  db: Db,
  client: { name: string; secretHash: Buffer; roomIds: string[]; roomKinds: string[]; maxSubscriptions: number; createdBy: string },
): Promise<PartnerClientRow> {
  return db
    .insertInto('identity.partner_clients')
    .values({
      name: client.name,
      secret_hash: client.secretHash,
      room_ids: client.roomIds,
      room_kinds: client.roomKinds,
      max_subscriptions: client.maxSubscriptions,
      created_by: client.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every partner client, newest first. */
export async function listPartnerClients(db: Db): Promise<PartnerClientRow[]> {
  return db.selectFrom('identity.partner_clients').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
}

/** The client with this id, or undefined. */
export async function findPartnerClient(db: Db, id: string): Promise<PartnerClientRow | undefined> {
  return db.selectFrom('identity.partner_clients').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Replaces the secret of an unrevoked client; the row, or undefined when it is unknown or revoked. */
export async function replacePartnerClientSecret(db: Db, id: string, secretHash: Buffer): Promise<PartnerClientRow | undefined> {
  return db
    .updateTable('identity.partner_clients')
    .set({ secret_hash: secretHash, secret_rotated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Marks the client revoked (keeping the first time); the row, or undefined when it is unknown. */
export async function markPartnerClientRevoked(db: Db, id: string): Promise<PartnerClientRow | undefined> {
  return db
    .updateTable('identity.partner_clients')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
