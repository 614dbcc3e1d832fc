import type { Kysely } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';

/**
 * The secret for signing links of `purpose`: `candidate` is stored if none is yet, and whichever
 * is stored (by this call or an earlier one, in any process) is returned.
 */
export async function ensureLinkKey(db: Kysely<CommunityDatabase>, purpose: string, candidate: Buffer): Promise<Buffer> {
  await db.insertInto('community.link_keys').values({ purpose, secret: candidate }).onConflict((oc) => oc.column('purpose').doNothing()).execute();
  const row = await db.selectFrom('community.link_keys').select('secret').where('purpose', '=', purpose).executeTakeFirstOrThrow();
  return row.secret;
}

