// What community processes tell each other over pub/sub, and on which channels. Payloads are
// hints: the database stays the truth, and receivers read it whenever a payload cannot carry
// (or a receiver cannot trust) the whole row.
import { MAX_PAYLOAD_BYTES } from '@academy/service-kit/pubsub';
import { z } from 'zod';
import type { ChatMessage, Notification } from '../db/database.js';

/** The channel of a room's new messages and membership removals. */
export const roomChannel = (roomId: string) => `community.room.${roomId}`;

/** The channel of a user's new notifications. */
export const userChannel = (userId: string) => `community.user.${userId}`;

const date = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const nullableDate = date.nullable();

/** A chat_messages row as announcements carry it. */
export const messageRow = z.object({
  id: z.guid(),
  room_id: z.guid(),
  sequence: z.number().int().positive(),
  sender_id: z.guid().nullable(),
  content: z.string(),
  client_message_id: z.string().nullable(),
  sent_at: date,
  edited_at: nullableDate,
  deleted_at: nullableDate,
  // Absent from announcements of processes that predate moderation.
  deleted_by: z.guid().nullable().default(null),
});

const notificationRow = z.object({
  id: z.guid(),
  user_id: z.guid(),
  type: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  priority: z.enum(['LOW', 'MEDIUM', 'HIGH', 'URGENT']),
  action_url: z.string().nullable(),
  data: z.json(),
  created_at: date,
  read_at: nullableDate,
  // Absent from announcements of processes older than these columns.
  dedupe_key: z.string().nullable().default(null),
  in_app: z.boolean().default(true),
});

const roomEvent = z.discriminatedUnion('type', [
  /** A message was stored: the whole row when it fits, otherwise only where to find it. */
  z.object({ type: z.literal('message'), id: z.guid(), sequence: z.number().int().positive(), row: messageRow.optional() }),
  /** A member left or was removed: their feeds of the room end. */
  z.object({ type: z.literal('member-removed'), userId: z.guid() }),
]);

const userEvent = z.object({ type: z.literal('notification'), id: z.guid(), row: notificationRow.optional() });

/** What a room's channel carries. */
export type RoomEvent = z.output<typeof roomEvent>;
/** What a user's channel carries. */
export type UserEvent = z.output<typeof userEvent>;

/** Puts the whole row in when the payload stays within the pub/sub limit. */
function withRowIfSmall(event: Record<string, unknown>, row: object): string {
  const whole = JSON.stringify({ ...event, row });
  return Buffer.byteLength(whole, 'utf8') <= MAX_PAYLOAD_BYTES ? whole : JSON.stringify(event);
}

/** The announcement of a stored message. */
export function encodeMessageEvent(message: ChatMessage): string {
  return withRowIfSmall({ type: 'message', id: message.id, sequence: message.sequence }, message);
}

/** The announcement that a member left or was removed. */
export function encodeMemberRemoved(userId: string): string {
  return JSON.stringify({ type: 'member-removed', userId });
}

/** The announcement of a new notification. */
export function encodeNotificationEvent(notification: Notification): string {
  return withRowIfSmall({ type: 'notification', id: notification.id }, notification);
}

/** A room event, or null for a payload this version does not understand. */
export function decodeRoomEvent(payload: string): RoomEvent | null {
  try {
    const result = roomEvent.safeParse(JSON.parse(payload));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** A user event, or null for a payload this version does not understand. */
export function decodeUserEvent(payload: string): UserEvent | null {
  try {
    const result = userEvent.safeParse(JSON.parse(payload));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
