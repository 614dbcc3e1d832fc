import { sql, type Kysely } from 'kysely';

// A chat message is sent in one statement: the room's next sequence (the room's row locked, the
// sender's membership checked unless their right to post was checked already), the sender's
// mute, the message itself and the sender's read pointer. One round trip instead of six: the
// room's row is no longer held locked while the subgraph's event loop gets round to the next
// statement. Each statement of the function takes a fresh snapshot (READ COMMITTED), so a mute
// committed while the send waited for the room's lock refuses it, as before.
//
// Returns the stored message, or no row when the room does not exist or the sender is not a
// member. Raises SQLSTATE CM001 when the sender is muted (DETAIL: until when, ISO 8601), CM002
// when the sender already sent a message with this client message id to the room (the whole
// statement is then undone, the sequence number too).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION community.send_message(room uuid, sender uuid, body text, client_id text, check_membership boolean)
    RETURNS SETOF community.chat_messages
    LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      next_sequence bigint;
      muted timestamptz;
      stored community.chat_messages;
    BEGIN
      UPDATE community.chat_rooms r SET last_sequence = r.last_sequence + 1
      WHERE r.id = room
        AND (NOT check_membership OR EXISTS (SELECT 1 FROM community.chat_room_members m WHERE m.room_id = r.id AND m.user_id = sender))
      RETURNING r.last_sequence INTO next_sequence;
      IF next_sequence IS NULL THEN
        RETURN;
      END IF;
      SELECT mu.muted_until INTO muted FROM community.chat_room_mutes mu
      WHERE mu.room_id = room AND mu.user_id = sender AND mu.muted_until > now();
      IF FOUND THEN
        RAISE EXCEPTION 'the sender is muted in the room' USING ERRCODE = 'CM001', DETAIL = to_json(muted) #>> '{}';
      END IF;
      INSERT INTO community.chat_messages (room_id, sequence, sender_id, content, client_message_id, edited_at, deleted_at)
      VALUES (room, next_sequence, sender, body, client_id, NULL, NULL)
      ON CONFLICT (room_id, sender_id, client_message_id) DO NOTHING
      RETURNING * INTO stored;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'the sender already sent this client message id to the room' USING ERRCODE = 'CM002';
      END IF;
      -- Whoever writes has read everything before.
      UPDATE community.chat_room_members m SET last_read_sequence = GREATEST(m.last_read_sequence, next_sequence)
      WHERE m.room_id = room AND m.user_id = sender;
      RETURN NEXT stored;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION community.send_message(uuid, uuid, text, text, boolean)`.execute(db);
}
