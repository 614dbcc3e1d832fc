// Two community processes on one database: whatever is sent through one reaches the
// subscribers of the other, over PostgreSQL LISTEN/NOTIFY and, when REDIS_URL is set, Redis.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from 'graphql-ws';
import { startCommunityService, type StartedCommunityService } from '../src/server.js';
import {
  ADD_MEMBER,
  connectAsGateway,
  createRoom,
  FeedWatcher,
  MESSAGE_ADDED,
  newUser,
  range,
  REMOVE_MEMBER,
  requester,
  run,
  sendMany,
  startCommunity,
  subscribeAs,
  type CommunityTestSubgraph,
  type MessageEvent,
  type Requester,
} from './support/community.js';

const NOTIFICATION_ADDED = `subscription { notificationAdded { __typename id type title actionUrl readAt } }`;

// Read here, in the test, on purpose: the Redis case runs exactly when the environment has Redis.
const redisUrl = process.env.REDIS_URL || undefined;
if (!redisUrl) console.log('fan-out over Redis skipped: REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)');

function fanOutBetweenTwoProcesses(broker: string, brokerUrl: string | undefined) {
  describe(`two community processes over ${broker}`, () => {
    let first: CommunityTestSubgraph;
    let second: StartedCommunityService;
    let viaFirst: Requester;
    let viaSecond: Requester;
    const feedsOfFirst = new FeedWatcher();
    const feedsOfSecond = new FeedWatcher();
    const clients: Client[] = [];

    beforeAll(async () => {
      first = await startCommunity({ redisUrl: brokerUrl, onFeedOpened: feedsOfFirst.observe });
      second = await startCommunityService({
        databaseUrl: first.database.urlFor('academy_community'),
        gatewaySecret: first.gatewaySecret,
        poolSize: 4,
        logLevel: 'error',
        redisUrl: brokerUrl,
        onFeedOpened: feedsOfSecond.observe,
      });
      viaFirst = first;
      viaSecond = requester(second.url, first.gatewaySecret);
    });

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
      feedsOfFirst.reset();
      feedsOfSecond.reset();
    });

    afterAll(async () => {
      await second?.stop();
      await first?.stop();
    });

    const gatewayTo = (url: string) => {
      const client = connectAsGateway(url, first.gatewaySecret);
      clients.push(client);
      return client;
    };

    it('brings messages sent through one process to subscribers of the other, in order, both ways', async () => {
      const ada = newUser();
      const grace = newUser();
      const roomId = await createRoom(viaSecond, ada, [grace]);
      const onFirst = await subscribeAs<MessageEvent>(gatewayTo(first.url), first.gatewaySecret, grace, 'messageAdded', MESSAGE_ADDED, { roomId });
      const onSecond = await subscribeAs<MessageEvent>(gatewayTo(second.url), first.gatewaySecret, ada, 'messageAdded', MESSAGE_ADDED, { roomId });
      await Promise.all([feedsOfFirst.next('messages', grace.userId, roomId), feedsOfSecond.next('messages', ada.userId, roomId)]);

      await sendMany(viaSecond, [ada, grace], roomId, 20, 'through the second');
      await sendMany(viaFirst, [ada, grace], roomId, 20, 'through the first');
      await Promise.all([onFirst.count(40), onSecond.count(40)]);
      expect(onFirst.values.map((v) => v.sequence)).toEqual(range(1, 40));
      expect(onSecond.values.map((v) => v.sequence)).toEqual(range(1, 40));
      expect(onFirst.values[0]).toMatchObject({ sender: { __typename: 'User' }, room: { __typename: 'ChatRoom', id: roomId } });
    });

    it('ends on one process the subscription of a member removed through the other', async () => {
      const ada = newUser();
      const grace = newUser();
      const roomId = await createRoom(viaFirst, ada, [grace]);
      const graces = await subscribeAs<MessageEvent>(gatewayTo(first.url), first.gatewaySecret, grace, 'messageAdded', MESSAGE_ADDED, {
        roomId,
        afterSequence: 0,
      });
      await feedsOfFirst.next('messages', grace.userId, roomId);
      await run(viaSecond, ada, REMOVE_MEMBER, { roomId, userId: grace.userId });
      await graces.ended();
      expect(graces.values).toEqual([]);
      expect(graces.errors).toEqual([]);
    });

    it('tells a user on one process of being added to a room through the other', async () => {
      const ada = newUser();
      const grace = newUser();
      const roomId = await createRoom(viaFirst, ada, [newUser()], 'Paediatric First Aid, Leeds');
      const notifications = await subscribeAs<{ title: string; actionUrl: string }>(
        gatewayTo(first.url),
        first.gatewaySecret,
        grace,
        'notificationAdded',
        NOTIFICATION_ADDED,
      );
      await feedsOfFirst.next('notifications', grace.userId);
      await run(viaSecond, ada, ADD_MEMBER, { roomId, userId: grace.userId });
      await notifications.count(1);
      expect(notifications.values).toEqual([
        expect.objectContaining({ __typename: 'Notification', type: 'CHAT_ROOM_MEMBER_ADDED', title: 'You were added to Paediatric First Aid, Leeds', actionUrl: `/chat/${roomId}`, readAt: null }),
      ]);
    });
  });
}

fanOutBetweenTwoProcesses('PostgreSQL LISTEN/NOTIFY', undefined);
if (redisUrl) fanOutBetweenTwoProcesses('Redis', redisUrl);
else describe.skip('two community processes over Redis (REDIS_URL is not set)', () => it.skip('fan-out over Redis', () => undefined));
