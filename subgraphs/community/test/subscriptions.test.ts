import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { signCallerToken } from '@academy/service-kit';
import { randomBytes } from 'node:crypto';
import type { Client } from 'graphql-ws';
import {
  adminClient,
  connectAsGateway,
  createRoom,
  MESSAGE_ADDED,
  newUser,
  range,
  REMOVE_MEMBER,
  run,
  send,
  sendMany,
  startCommunity,
  subscribeAs,
  FeedWatcher,
  type CommunityTestSubgraph,
  type MessageEvent,
} from './support/community.js';
import type { ChatMessage } from '../src/db/database.js';
import { encodeMessageEvent, roomChannel } from '../src/live/channels.js';

let subgraph: CommunityTestSubgraph;
const feeds = new FeedWatcher();
const clients: Client[] = [];

/** A gateway connection that is disposed after the test. */
function gateway(secret: string | null = subgraph.gatewaySecret): Client {
  const client = connectAsGateway(subgraph.url, secret);
  clients.push(client);
  return client;
}

const sequencesOf = (values: MessageEvent[]) => values.map((v) => v.sequence);

beforeAll(async () => {
  // A small replay page, so that replays span many reads while messages keep arriving.
  subgraph = await startCommunity({ replayPageSize: 25, onFeedOpened: feeds.observe });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  feeds.reset();
});

afterAll(async () => {
  await subgraph?.stop();
});

describe('the subscription endpoint', () => {
  it('closes a connection without the gateway token, or with a forged one, with 4403', async () => {
    for (const secret of [null, randomBytes(32).toString('base64url')]) {
      const client = gateway(secret);
      const received = await subscribeAs(client, subgraph.gatewaySecret, newUser(), 'messageAdded', MESSAGE_ADDED, {
        roomId: crypto.randomUUID(),
      });
      await received.ended();
      expect(received.failure).toMatchObject({ code: 4403 });
      expect(received.values).toEqual([]);
    }
  });

  it('refuses a subscribe without a valid signed caller (UNAUTHENTICATED), on a connection that goes on serving others', async () => {
    const ada = newUser();
    const roomId = await createRoom(subgraph, ada, [newUser()]);
    const client = gateway();
    const unsigned = await subscribeAs(client, subgraph.gatewaySecret, ada, 'messageAdded', MESSAGE_ADDED, { roomId }, { caller: null });
    await unsigned.ended();
    expect(unsigned.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
    const forged = await signCallerToken({ viewer: ada, clientAddress: null, requestId: null }, randomBytes(32).toString('base64url'), 'community');
    const wrongKey = await subscribeAs(client, subgraph.gatewaySecret, ada, 'messageAdded', MESSAGE_ADDED, { roomId }, { caller: forged });
    await wrongKey.ended();
    expect(wrongKey.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
    // Signed by the gateway, but for another subgraph.
    const elsewhere = await signCallerToken({ viewer: ada, clientAddress: null, requestId: null }, subgraph.gatewaySecret, 'learning');
    const misdirected = await subscribeAs(client, subgraph.gatewaySecret, ada, 'messageAdded', MESSAGE_ADDED, { roomId }, { caller: elsewhere });
    await misdirected.ended();
    expect(misdirected.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
    const anonymous = await subscribeAs(client, subgraph.gatewaySecret, null, 'messageAdded', MESSAGE_ADDED, { roomId });
    await anonymous.ended();
    expect(anonymous.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);

    const member = await subscribeAs<MessageEvent>(client, subgraph.gatewaySecret, ada, 'messageAdded', MESSAGE_ADDED, { roomId, afterSequence: 0 });
    await send(subgraph, ada, roomId, 'still serving');
    await member.count(1);
    expect(member.values.map((v) => v.content)).toEqual(['still serving']);
  });

  it('refuses queries and mutations over WebSocket', async () => {
    const received = await subscribeAs(gateway(), subgraph.gatewaySecret, newUser(), 'chatRoom', `query { chatRoom(id: "${crypto.randomUUID()}") { id } }`);
    await received.ended();
    expect(received.errors).toMatchObject([{ extensions: { code: 'BAD_REQUEST' } }]);
  });
});

describe('messageAdded', () => {
  it("delivers each message once, in order, with the sender and room as the gateway's keys", async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = await createRoom(subgraph, ada, [grace]);
    const received = await subscribeAs<MessageEvent>(gateway(), subgraph.gatewaySecret, grace, 'messageAdded', MESSAGE_ADDED, { roomId });
    await feeds.next('messages', grace.userId, roomId);
    const probe = await send(subgraph, ada, roomId, 'probe');
    for (const word of ['one', 'two', 'three', 'four', 'five']) await send(subgraph, ada, roomId, word);
    await received.count(6);
    expect(received.values.map((v) => [v.sequence, v.content])).toEqual([
      [probe, 'probe'],
      [probe + 1, 'one'],
      [probe + 2, 'two'],
      [probe + 3, 'three'],
      [probe + 4, 'four'],
      [probe + 5, 'five'],
    ]);
    expect(received.values[0]).toMatchObject({
      __typename: 'ChatMessage',
      sender: { __typename: 'User', id: ada.userId },
      room: { __typename: 'ChatRoom', id: roomId },
    });
    expect(received.errors).toEqual([]);
    received.stop();
  });

  it('delivers messages too large to announce whole, read by id', async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = await createRoom(subgraph, ada, [grace]);
    const received = await subscribeAs<MessageEvent>(gateway(), subgraph.gatewaySecret, grace, 'messageAdded', MESSAGE_ADDED, { roomId });
    await feeds.next('messages', grace.userId, roomId);
    // 4,000 characters of two bytes each: over the 7,500 bytes an announcement may carry.
    const long = 'é'.repeat(4000);
    await send(subgraph, ada, roomId, long);
    await send(subgraph, ada, roomId, 'short');
    await received.count(2);
    expect(received.values.map((v) => [v.sequence, v.content])).toEqual([
      [1, long],
      [2, 'short'],
    ]);
  });

  it("refuses a non-member's subscription with FORBIDDEN", async () => {
    const ada = newUser();
    const roomId = await createRoom(subgraph, ada, [newUser()]);
    const outsider = await subscribeAs<MessageEvent>(gateway(), subgraph.gatewaySecret, newUser(), 'messageAdded', MESSAGE_ADDED, { roomId });
    await outsider.ended();
    expect(outsider.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
    const nowhere = await subscribeAs(gateway(), subgraph.gatewaySecret, ada, 'messageAdded', MESSAGE_ADDED, { roomId: crypto.randomUUID() });
    await nowhere.ended();
    expect(nowhere.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
  });

  it('ends the subscription of a removed member at once; they receive nothing after removal', async () => {
    const ada = newUser();
    const grace = newUser();
    const linus = newUser();
    const roomId = await createRoom(subgraph, ada, [grace, linus]);
    const client = gateway();
    const graces = await subscribeAs<MessageEvent>(client, subgraph.gatewaySecret, grace, 'messageAdded', MESSAGE_ADDED, { roomId, afterSequence: 0 });
    const linuses = await subscribeAs<MessageEvent>(client, subgraph.gatewaySecret, linus, 'messageAdded', MESSAGE_ADDED, { roomId, afterSequence: 0 });
    await sendMany(subgraph, [ada], roomId, 3, 'before');
    await Promise.all([graces.count(3), linuses.count(3)]);

    await run(subgraph, ada, REMOVE_MEMBER, { roomId, userId: grace.userId });
    await graces.ended();
    expect(graces.failure).toBeNull();
    await sendMany(subgraph, [ada, linus], roomId, 4, 'after');
    await linuses.count(7);
    expect(sequencesOf(linuses.values)).toEqual(range(1, 7));
    expect(sequencesOf(graces.values)).toEqual([1, 2, 3]);
    expect(graces.errors).toEqual([]);

    // Leaving ends one's own subscription just the same.
    await run(subgraph, linus, REMOVE_MEMBER, { roomId, userId: linus.userId });
    await linuses.ended();
    expect(linuses.values).toHaveLength(7);
  });

  it('fills a gap from the database when a message was stored without being announced', async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = await createRoom(subgraph, ada, [grace]);
    const received = await subscribeAs<MessageEvent>(gateway(), subgraph.gatewaySecret, grace, 'messageAdded', MESSAGE_ADDED, { roomId });
    await feeds.next('messages', grace.userId, roomId);
    const probe = await send(subgraph, ada, roomId, 'probe');
    const admin = await adminClient(subgraph);
    try {
      // What a lost announcement looks like: the message is committed, nobody is told.
      await admin.query(
        `WITH next AS (UPDATE community.chat_rooms SET last_sequence = last_sequence + 1 WHERE id = $1 RETURNING last_sequence)
         INSERT INTO community.chat_messages (room_id, sequence, sender_id, content) SELECT $1, last_sequence, $2, 'unannounced' FROM next`,
        [roomId, ada.userId],
      );
    } finally {
      await admin.end();
    }
    await send(subgraph, ada, roomId, 'announced');
    await received.count(3);
    expect(received.values.map((v) => [v.sequence, v.content])).toEqual([
      [probe, 'probe'],
      [probe + 1, 'unannounced'],
      [probe + 2, 'announced'],
    ]);
  });

  it('fills a gap once for the whole room when one announcement overtakes another', async () => {
    const ada = newUser();
    const members = Array.from({ length: 6 }, () => newUser());
    const roomId = await createRoom(subgraph, ada, members);
    const client = gateway();
    const streams = await Promise.all(
      members.map((member) => subscribeAs<MessageEvent>(client, subgraph.gatewaySecret, member, 'messageAdded', MESSAGE_ADDED, { roomId })),
    );
    await Promise.all(members.map((member) => feeds.next('messages', member.userId, roomId)));
    const admin = await adminClient(subgraph);
    let rows: ChatMessage[];
    try {
      // Two messages committed one after the other, then announced in the other order.
      const { rows: stored } = await admin.query(
        `WITH next AS (UPDATE community.chat_rooms SET last_sequence = last_sequence + 2 WHERE id = $1 RETURNING last_sequence)
         INSERT INTO community.chat_messages (room_id, sequence, sender_id, content)
         SELECT $1, last_sequence - 1 + n, $2, 'message ' || n FROM next, generate_series(0, 1) AS n
         RETURNING *`,
        [roomId, ada.userId],
      );
      rows = stored.map((row) => ({ ...row, sequence: Number(row.sequence) }) as ChatMessage).sort((a, b) => a.sequence - b.sequence);
    } finally {
      await admin.end();
    }
    const statements = subgraph.service.database.statements;
    const before = statements.count;
    await subgraph.service.pubsub.publish(roomChannel(roomId), encodeMessageEvent(rows[1]!));
    await Promise.all(streams.map((stream) => stream.count(2)));
    // One membership check and one read of the gap, for six subscribers (not one read each).
    expect(statements.count - before).toBe(2);
    await subgraph.service.pubsub.publish(roomChannel(roomId), encodeMessageEvent(rows[0]!));
    await send(subgraph, ada, roomId, 'live');
    await Promise.all(streams.map((stream) => stream.count(3)));
    for (const stream of streams) expect(stream.values.map((v) => [v.sequence, v.content])).toEqual([[1, 'message 0'], [2, 'message 1'], [3, 'live']]);
  });

  it('reads what was missed while the pub/sub connection was lost, once it is back', async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = await createRoom(subgraph, ada, [grace]);
    const client = gateway();
    const messages = await subscribeAs<MessageEvent>(client, subgraph.gatewaySecret, grace, 'messageAdded', MESSAGE_ADDED, { roomId });
    const notifications = await subscribeAs<{ title: string }>(client, subgraph.gatewaySecret, grace, 'notificationAdded', `subscription { notificationAdded { title } }`);
    await Promise.all([feeds.next('messages', grace.userId, roomId), feeds.next('notifications', grace.userId)]);
    const admin = await adminClient(subgraph);
    try {
      // Committed without announcements, then the listening connection goes: only reading
      // after the reconnection can find them.
      await admin.query(
        `WITH next AS (UPDATE community.chat_rooms SET last_sequence = last_sequence + 1 WHERE id = $1 RETURNING last_sequence)
         INSERT INTO community.chat_messages (room_id, sequence, sender_id, content) SELECT $1, last_sequence, $2, 'while away' FROM next`,
        [roomId, ada.userId],
      );
      await admin.query(`INSERT INTO community.notifications (user_id, type, title) VALUES ($1, 'TEST_NOTICE', 'While you were away')`, [grace.userId]);
      const terminated = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'community:listen'`,
      );
      expect(terminated.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    await Promise.all([messages.count(1), notifications.count(1)]);
    expect(messages.values.map((v) => [v.sequence, v.content])).toEqual([[1, 'while away']]);
    expect(notifications.values).toEqual([{ title: 'While you were away' }]);
    // And live again.
    await send(subgraph, ada, roomId, 'back');
    await messages.count(2);
    expect(messages.values.map((v) => v.content)).toEqual(['while away', 'back']);
  });

  describe('with many senders', () => {
    const owner = newUser();
    const senders = Array.from({ length: 10 }, () => newUser());
    const readers = Array.from({ length: 3 }, () => newUser());
    let roomId: string;

    beforeAll(async () => {
      roomId = await createRoom(subgraph, owner, [...senders, ...readers]);
    });

    it('brings 500 messages sent concurrently by 10 senders to 3 subscribers, complete and in sequence order', async () => {
      const client = gateway();
      const subscriptions = await Promise.all(
        readers.map((reader) => subscribeAs<MessageEvent>(client, subgraph.gatewaySecret, reader, 'messageAdded', MESSAGE_ADDED, { roomId, afterSequence: 0 })),
      );
      const sent = await sendMany(subgraph, senders, roomId, 500);
      expect(sent.sort((a, b) => a - b)).toEqual(range(1, 500));
      await Promise.all(subscriptions.map((s) => s.count(500)));
      for (const subscription of subscriptions) {
        expect(sequencesOf(subscription.values)).toEqual(range(1, 500));
        expect(subscription.errors).toEqual([]);
        expect(subscription.completed).toBe(false);
      }
    });

    it('resumes after sequence 250 with exactly 251..500, then goes live', async () => {
      const reader = readers[0]!;
      const resumed = await subscribeAs<MessageEvent>(gateway(), subgraph.gatewaySecret, reader, 'messageAdded', MESSAGE_ADDED, {
        roomId,
        afterSequence: 250,
      });
      await resumed.count(250);
      expect(sequencesOf(resumed.values)).toEqual(range(251, 500));
      await sendMany(subgraph, senders.slice(0, 3), roomId, 3, 'live');
      await resumed.count(253);
      expect(sequencesOf(resumed.values)).toEqual(range(251, 503));
    });

    it('has no gap and no duplicate when messages keep arriving during the replay', async () => {
      const client = gateway();
      const start = 503;
      const sending = sendMany(subgraph, senders, roomId, 300, 'during replay');
      // Subscribe while messages are being sent: the replay from 0 (many pages) and the live
      // announcements overlap.
      const resumed = await Promise.all(
        readers.map((reader) => subscribeAs<MessageEvent>(client, subgraph.gatewaySecret, reader, 'messageAdded', MESSAGE_ADDED, { roomId, afterSequence: 0 })),
      );
      await sending;
      const last = start + 300;
      await Promise.all(resumed.map((r) => r.count(last)));
      for (const r of resumed) expect(sequencesOf(r.values)).toEqual(range(1, last));
    });

    it('treats an afterSequence beyond the newest message as the newest', async () => {
      const reader = readers[1]!;
      const ahead = await subscribeAs<MessageEvent>(gateway(), subgraph.gatewaySecret, reader, 'messageAdded', MESSAGE_ADDED, {
        roomId,
        afterSequence: 100_000,
      });
      await feeds.next('messages', reader.userId, roomId);
      const next = await send(subgraph, owner, roomId, 'after the end');
      await ahead.count(1);
      expect(sequencesOf(ahead.values)).toEqual([next]);
    });
  });
});
