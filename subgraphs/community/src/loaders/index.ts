import { DataLoader, defineLoaders, grantsCover, groupedLoader, keyedLoader, type Viewer } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { ChatMessage, CommunityDatabase, ReactionKind } from '../db/database.js';
import { findActiveMutes } from '../repositories/chat-moderation.repository.js';
import { findLastMessagesOfRooms, findMessagePages, findMessagesByIds, type MessagePageKey } from '../repositories/chat-message.repository.js';
import {
  countUnreadMessages,
  findMembershipsOfUser,
  findMembersOfRooms,
  findRoomsByIds,
  findRoomsBySessionIds,
  findRoomsOfUsers,
} from '../repositories/chat-room.repository.js';
import {
  countUnreadNotifications,
  findNotificationPage,
  type NotificationCursor,
  type NotificationPage,
} from '../repositories/notification.repository.js';
import {
  countCommentsOfPosts,
  countReactionsOfPosts,
  findCommentPages,
  findCommentsByIds,
  findPostsByIds,
  findReactionsOfUser,
  type CommentPage,
  type CommentPageKey,
} from '../repositories/post.repository.js';
import { grantedMembership } from '../services/partner-access.service.js';

/** A request for a page of a user's notifications. */
export interface NotificationPageKey {
  userId: string;
  unreadOnly: boolean;
  limit: number;
  after: NotificationCursor | null;
}

/** The key of a member of a room in `mutedUntilByMember`. */
export const memberKey = (roomId: string, userId: string) => `${roomId}:${userId}`;
const memberKeyParts = (key: string) => {
  const [roomId, userId] = key.split(':') as [string, string];
  return { roomId, userId };
};

/** The per-request DataLoaders of the community subgraph: one batched statement per field per tick. */
const makeLoaders = defineLoaders<{ db: Kysely<CommunityDatabase>; viewer: Viewer | null }>()({
  roomById: ({ db }) => keyedLoader((ids: readonly string[]) => findRoomsByIds(db, ids), (r) => r.id),
  roomBySession: ({ db }) => keyedLoader((ids: readonly string[]) => findRoomsBySessionIds(db, ids), (r) => r.session_id!),
  roomsByUser: ({ db }) => groupedLoader((ids: readonly string[]) => findRoomsOfUsers(db, ids), (r) => r.member_user_id),
  membersByRoom: ({ db }) => groupedLoader((ids: readonly string[]) => findMembersOfRooms(db, ids), (m) => m.room_id),
  /** The viewer's own membership per room (null: not a member, or nobody signed in); a partner client's grants. */
  viewerMembershipByRoom: ({ db, viewer }) => keyedLoader(
    async (roomIds: readonly string[]) => {
      if (!viewer) return [];
      if (!viewer.grants) return findMembershipsOfUser(db, viewer.userId, roomIds);
      // A partner client is a member, as it were, of the rooms its grants cover.
      const { grants } = viewer;
      return (await findRoomsByIds(db, roomIds)).filter((room) => grantsCover(grants, room)).map((room) => grantedMembership(room, viewer.userId));
    },
    (m) => m.room_id,
  ),
  /** Unread messages of the viewer per room; 0 where the viewer is not a member. */
  unreadCountByRoom: ({ db, viewer }) => keyedLoader(
    async (roomIds: readonly string[]) => (viewer ? countUnreadMessages(db, viewer.userId, roomIds) : []),
    (r) => r.room_id,
    { project: (r) => r.unread, missing: 0 },
  ),
  messageById: ({ db }) => keyedLoader((ids: readonly string[]) => findMessagesByIds(db, ids), (m) => m.id),
  lastMessageByRoom: ({ db }) => keyedLoader((ids: readonly string[]) => findLastMessagesOfRooms(db, ids), (m) => m.room_id),
  /** Pages of history (limit + 1 rows, newest first), any number of rooms in one statement. */
  messagePage: ({ db }) => new DataLoader<MessagePageKey, ChatMessage[], string>((keys) => findMessagePages(db, keys), {
    cacheKeyFn: (key) => `${key.roomId}|${key.before ?? ''}|${key.limit}`,
  }),
  /** Pages of notifications: only the user themself asks for theirs, so one statement per distinct page. */
  notificationPage: ({ db }) => new DataLoader<NotificationPageKey, NotificationPage, string>(
    (keys) => Promise.all(keys.map((key) => findNotificationPage(db, key))),
    { cacheKeyFn: (key) => JSON.stringify([key.userId, key.unreadOnly, key.limit, key.after]) },
  ),
  /** When a member's mute ends, keyed `<room id>:<user id>`; null when not muted. */
  mutedUntilByMember: ({ db }) => keyedLoader(
    (keys: readonly string[]) => findActiveMutes(db, keys.map(memberKeyParts)),
    (m) => memberKey(m.room_id, m.user_id),
    { project: (m): Date | null => m.muted_until, missing: null },
  ),
  unreadNotificationCountByUser: ({ db }) => keyedLoader(
    (ids: readonly string[]) => countUnreadNotifications(db, ids),
    (r) => r.user_id,
    { project: (r) => r.unread, missing: 0 },
  ),
  postById: ({ db }) => keyedLoader((ids: readonly string[]) => findPostsByIds(db, ids), (p) => p.id),
  commentById: ({ db }) => keyedLoader((ids: readonly string[]) => findCommentsByIds(db, ids), (c) => c.id),
  /** Pages of comments (limit + 1 rows, oldest first) of any number of posts or threads, one statement per level. */
  commentPage: ({ db }) => new DataLoader<CommentPageKey, CommentPage, string>((keys) => findCommentPages(db, keys), {
    cacheKeyFn: (key) => JSON.stringify([key.scope, key.ownerId, key.limit, key.after]),
  }),
  /** Comments and replies per post, removed ones not counted. */
  commentCountByPost: ({ db }) => keyedLoader(
    (ids: readonly string[]) => countCommentsOfPosts(db, ids),
    (r) => r.post_id,
    { project: (r) => r.comments, missing: 0 },
  ),
  /** Reactions per kind of each post, most frequent first. */
  reactionsByPost: ({ db }) => groupedLoader(
    (ids: readonly string[]) => countReactionsOfPosts(db, ids),
    (r) => r.post_id,
    (r) => ({ kind: r.kind, count: r.count }),
  ),
  /** The viewer's reaction per post (null: none, or nobody signed in). */
  viewerReactionByPost: ({ db, viewer }) => keyedLoader(
    async (ids: readonly string[]) => (viewer && !viewer.grants ? findReactionsOfUser(db, viewer.userId, ids) : []),
    (r) => r.post_id,
    { project: (r) => r.kind as ReactionKind | null, missing: null },
  ),
});

export function createLoaders(db: Kysely<CommunityDatabase>, viewer: Viewer | null) {
  return makeLoaders({ db, viewer });
}

export type Loaders = ReturnType<typeof createLoaders>;
