import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { entitiesQuery } from '@academy/service-kit/testing';
import type { Viewer } from '@academy/service-kit';
import type { Client } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import {
  ADD_MEMBER,
  adminClient,
  connectAsGateway,
  createRoom,
  errorCode,
  FeedWatcher,
  newUser,
  run,
  startCommunity,
  subscribeAs,
  type CommunityTestSubgraph,
} from './support/community.js';

let subgraph: CommunityTestSubgraph;
const feeds = new FeedWatcher();
const clients: Client[] = [];
/** What the subgraph logged (errors only). */
const logged: string[] = [];

beforeAll(async () => {
  subgraph = await startCommunity({ onFeedOpened: feeds.observe, logDestination: { write: (line: string) => void logged.push(line) } });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  feeds.reset();
});

afterAll(async () => {
  await subgraph?.stop();
});

const NOTIFICATIONS = entitiesQuery(
  'User',
  `notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
     edges { cursor node { id type title body priority actionUrl createdAt readAt } }
     pageInfo { hasNextPage hasPreviousPage endCursor }
     totalCount
   }
   unreadNotificationCount`,
).replace('query($representations: [_Any!]!)', 'query($representations: [_Any!]!, $first: Int, $after: String, $unreadOnly: Boolean)');
const MARK_READ = `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`;
const NOTIFICATION_ADDED = `subscription { notificationAdded { id type title actionUrl } }`;

interface NotificationsOfUser {
  notifications: {
    edges: { cursor: string; node: { id: string; type: string; title: string; body: string | null; priority: string; actionUrl: string; readAt: string | null } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    totalCount: number;
  };
  unreadNotificationCount: number;
}

async function notificationsOf(viewer: Viewer, variables: Record<string, unknown> = {}): Promise<NotificationsOfUser> {
  const data = await run<{ _entities: NotificationsOfUser[] }>(subgraph, viewer, NOTIFICATIONS, {
    representations: [{ __typename: 'User', id: viewer.userId }],
    ...variables,
  });
  return data._entities[0]!;
}

describe('notifications', () => {
  it('tell each user added to a room, and nobody else', async () => {
    const ada = newUser();
    const grace = newUser();
    const linus = newUser();
    const roomId = await createRoom(subgraph, ada, [grace], 'First Aid at Work, Sheffield');
    await run(subgraph, ada, ADD_MEMBER, { roomId, userId: linus.userId });
    // Already a member, or a change of role: nothing new to tell.
    await run(subgraph, ada, ADD_MEMBER, { roomId, userId: linus.userId });
    await run(subgraph, ada, ADD_MEMBER, { roomId, userId: linus.userId, role: 'MODERATOR' });

    for (const user of [grace, linus]) {
      const mine = await notificationsOf(user);
      expect(mine.notifications.totalCount).toBe(1);
      expect(mine.unreadNotificationCount).toBe(1);
      expect(mine.notifications.edges[0]!.node).toMatchObject({
        type: 'CHAT_ROOM_MEMBER_ADDED',
        title: 'You were added to First Aid at Work, Sheffield',
        body: null,
        priority: 'MEDIUM',
        actionUrl: `/chat/${roomId}`,
        readAt: null,
      });
    }
    expect((await notificationsOf(ada)).notifications.totalCount).toBe(0);
  });

  it("are listed newest first, in pages, to the user alone", async () => {
    const grace = newUser();
    for (let i = 0; i < 25; i++) await createRoom(subgraph, newUser(), [grace], `Room ${String(i).padStart(2, '0')}`);
    const first = await notificationsOf(grace);
    expect(first.notifications.totalCount).toBe(25);
    expect(first.notifications.edges.map((e) => e.node.title)).toEqual(
      Array.from({ length: 20 }, (_, i) => `You were added to Room ${String(24 - i).padStart(2, '0')}`),
    );
    expect(first.notifications.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const rest = await notificationsOf(grace, { after: first.notifications.pageInfo.endCursor });
    expect(rest.notifications.edges.map((e) => e.node.title)).toEqual(
      Array.from({ length: 5 }, (_, i) => `You were added to Room ${String(4 - i).padStart(2, '0')}`),
    );
    expect(rest.notifications.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const representations = [{ __typename: 'User', id: grace.userId }];
    expect(await errorCode(subgraph, newUser(), NOTIFICATIONS, { representations })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, { userId: randomUUID(), roles: ['ADMIN'] }, NOTIFICATIONS, { representations })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, null, NOTIFICATIONS, { representations })).toBe('UNAUTHENTICATED');
    expect(await errorCode(subgraph, grace, NOTIFICATIONS, { representations, first: 101 })).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, grace, NOTIFICATIONS, { representations, after: 'bm9wZQ' })).toBe('BAD_USER_INPUT');
  });

  it('are marked read by their user only, counting what changed', async () => {
    const ada = newUser();
    const grace = newUser();
    for (let i = 0; i < 4; i++) await createRoom(subgraph, ada, [grace]);
    await createRoom(subgraph, grace, [ada]);
    const ids = (await notificationsOf(grace)).notifications.edges.map((e) => e.node.id);
    const adas = (await notificationsOf(ada)).notifications.edges.map((e) => e.node.id);

    expect((await run(subgraph, grace, MARK_READ, { ids: [...ids.slice(0, 3), ...adas, randomUUID()] })).markNotificationsRead).toBe(3);
    expect((await run(subgraph, grace, MARK_READ, { ids: ids.slice(0, 3) })).markNotificationsRead).toBe(0);
    expect((await run(subgraph, grace, MARK_READ, { ids: [] })).markNotificationsRead).toBe(0);
    const after = await notificationsOf(grace);
    expect(after.unreadNotificationCount).toBe(1);
    expect(after.notifications.edges.filter((e) => e.node.readAt !== null)).toHaveLength(3);
    const unread = await notificationsOf(grace, { unreadOnly: true });
    expect(unread.notifications.totalCount).toBe(1);
    expect(unread.notifications.edges.map((e) => e.node.id)).toEqual([ids[3]]);
    expect((await notificationsOf(ada)).unreadNotificationCount).toBe(1);

    expect(await errorCode(subgraph, grace, MARK_READ, { ids: ['nope'] })).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, grace, MARK_READ, { ids: Array.from({ length: 101 }, () => randomUUID()) })).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, null, MARK_READ, { ids })).toBe('UNAUTHENTICATED');
  });

  it('are stored with the membership, or not at all', async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = await createRoom(subgraph, ada, [newUser()]);
    const admin = await adminClient(subgraph);
    try {
      // A notification that cannot be stored (a check refuses it) takes the membership with it.
      await admin.query(`ALTER TABLE community.notifications ADD CONSTRAINT test_refuses CHECK (user_id <> '${grace.userId}')`);
      logged.length = 0;
      expect(await errorCode(subgraph, ada, ADD_MEMBER, { roomId, userId: grace.userId })).toBe('INTERNAL_SERVER_ERROR');
      expect(logged.join('')).toContain('test_refuses');
      await admin.query(`ALTER TABLE community.notifications DROP CONSTRAINT test_refuses`);
      const members = await admin.query(`SELECT 1 FROM community.chat_room_members WHERE room_id = $1 AND user_id = $2`, [roomId, grace.userId]);
      expect(members.rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});

describe('notificationAdded', () => {
  it("delivers the signed-in user's new notifications, and only theirs", async () => {
    const ada = newUser();
    const grace = newUser();
    const linus = newUser();
    const roomId = await createRoom(subgraph, ada, [newUser()], 'EFAW refresher');
    const client = connectAsGateway(subgraph.url, subgraph.gatewaySecret);
    clients.push(client);
    const graces = await subscribeAs<{ id: string; title: string; actionUrl: string }>(client, subgraph.gatewaySecret, grace, 'notificationAdded', NOTIFICATION_ADDED);
    const linuses = await subscribeAs<{ id: string; title: string }>(client, subgraph.gatewaySecret, linus, 'notificationAdded', NOTIFICATION_ADDED);
    await Promise.all([feeds.next('notifications', grace.userId), feeds.next('notifications', linus.userId)]);

    await run(subgraph, ada, ADD_MEMBER, { roomId, userId: grace.userId });
    await run(subgraph, ada, ADD_MEMBER, { roomId, userId: linus.userId });
    await Promise.all([graces.count(1), linuses.count(1)]);
    expect(graces.values).toEqual([{ id: expect.any(String), type: 'CHAT_ROOM_MEMBER_ADDED', title: 'You were added to EFAW refresher', actionUrl: `/chat/${roomId}` }]);
    expect(linuses.values).toHaveLength(1);
    expect(linuses.values[0]!.id).not.toBe(graces.values[0]!.id);

    const anonymous = await subscribeAs(client, subgraph.gatewaySecret, null, 'notificationAdded', NOTIFICATION_ADDED);
    await anonymous.ended();
    expect(anonymous.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
  });
});
