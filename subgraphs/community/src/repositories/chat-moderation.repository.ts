import { sql, type Kysely, type Transaction } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';

type Db = Kysely<CommunityDatabase> | Transaction<CommunityDatabase>;

/** A member's mute that has not ended yet. */
export interface ActiveMute {
  room_id: string;
  user_id: string;
  muted_until: Date;
}

/** Mutes `userId` in the room until `until`, replacing an earlier mute. */
export async function upsertMute(trx: Transaction<CommunityDatabase>, mute: { roomId: string; userId: string; until: Date; mutedBy: string }): Promise<ActiveMute> {
  return trx
    .insertInto('community.chat_room_mutes')
    .values({ room_id: mute.roomId, user_id: mute.userId, muted_until: mute.until, muted_by: mute.mutedBy })
    .onConflict((oc) =>
      oc.columns(['room_id', 'user_id']).doUpdateSet({ muted_until: mute.until, muted_by: mute.mutedBy, muted_at: sql<Date>`now()` }),
    )
    .returning(['room_id', 'user_id', 'muted_until'])
    .executeTakeFirstOrThrow();
}

/** Ends the member's mute in the room, if any. */
export async function deleteMute(trx: Transaction<CommunityDatabase>, roomId: string, userId: string): Promise<void> {
  await trx.deleteFrom('community.chat_room_mutes').where('room_id', '=', roomId).where('user_id', '=', userId).execute();
}

/** The mutes, not yet ended, of any number of (room, member) pairs in one statement. */
export async function findActiveMutes(db: Db, pairs: readonly { roomId: string; userId: string }[]): Promise<ActiveMute[]> {
  const { rows } = await sql<ActiveMute>`
    SELECT m.room_id, m.user_id, m.muted_until
    FROM unnest(${pairs.map((p) => p.roomId)}::uuid[], ${pairs.map((p) => p.userId)}::uuid[]) AS k(room_id, user_id)
    JOIN community.chat_room_mutes m ON m.room_id = k.room_id AND m.user_id = k.user_id
    WHERE m.muted_until > now()`.execute(db);
  return rows;
}
