import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from 'graphql-ws';
import { as, collect, signUpUser, wsClient, type Collected, type SignedUpUser } from './support/clients.js';
import { adminRows } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

// Typing, presence and away: roomActivity through the gateway, with subscribers on two
// community processes (each behind its own gateway) on one database.

const ACTIVITY = `subscription($roomId: ID!) {
  roomActivity(roomId: $roomId) { roomId user { id displayName } presence typing at }
}`;

interface Activity {
  roomId: string;
  user: { id: string; displayName: string };
  presence: 'PRESENT' | 'AWAY' | 'ABSENT';
  typing: boolean;
  at: string;
}
const pick = (data: Record<string, unknown>) => data.roomActivity as Activity;

/** Waits until `condition` holds (a subscription's events arrive when they arrive). */
async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The last state a subscriber was told of `user`. */
const stateOf = (feed: Collected<Activity>, user: SignedUpUser) => feed.events.filter((e) => e.user.id === user.id).at(-1);

/** Waits until the subscriber's last word on `user` matches. */
const sees = (feed: Collected<Activity>, user: SignedUpUser, expected: Partial<Activity>) =>
  until(() => {
    const state = stateOf(feed, user);
    return !!state && Object.entries(expected).every(([key, value]) => state[key as keyof Activity] === value);
  }, `${user.displayName} ${JSON.stringify(expected)}`);

function roomActivity(transport: string, community: Record<string, string>) {
  describe(`roomActivity through the gateway (${transport})`, () => {
    let stack: TestStack;
    let alice: SignedUpUser;
    let bob: SignedUpUser;
    let carol: SignedUpUser;
    let mallory: SignedUpUser;
    const clients: Client[] = [];

    const client = (user: SignedUpUser, second = false) => {
      const created = wsClient(second ? stack.secondGateway!.url : stack.gateway.url, user);
      clients.push(created);
      return created;
    };

    const setActivity = async (user: SignedUpUser, roomId: string, state: string) =>
      (await as<{ setRoomActivity: boolean }>(stack, user, 'mutation($r: ID!, $s: RoomActivityState!) { setRoomActivity(roomId: $r, state: $s) }', { r: roomId, s: state }))
        .setRoomActivity;

    async function createRoom(owner: SignedUpUser, members: SignedUpUser[]): Promise<string> {
      const data = await as<{ createChatRoom: { id: string } }>(stack, owner, 'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }', {
        input: { name: 'Activity', kind: 'GROUP', memberIds: members.map((m) => m.id) },
      });
      return data.createChatRoom.id;
    }

    /** Subscribes and waits until the subscriber is counted in the room (they see themself PRESENT). */
    async function enter(user: SignedUpUser, roomId: string, second = false): Promise<{ feed: Collected<Activity>; client: Client }> {
      const own = client(user, second);
      const feed = collect(own, ACTIVITY, { roomId }, pick);
      await sees(feed, user, { presence: 'PRESENT' });
      return { feed, client: own };
    }

    beforeAll(async () => {
      stack = await startStack({ second: true, community });
      alice = await signUpUser(stack, 'Alice');
      bob = await signUpUser(stack, 'Bob');
      carol = await signUpUser(stack, 'Carol');
      mallory = await signUpUser(stack, 'Mallory');
    }, 60_000);

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      await stack?.stop();
    });

    it('shows members who is here, who is typing and who is away, across processes; typing lapses; leaving ends presence', async () => {
      const roomId = await createRoom(alice, [bob, carol]);
      // Bob through the second community process, Alice through the first.
      const bobs = await enter(bob, roomId, true);
      const alices = await enter(alice, roomId);
      await sees(bobs.feed, alice, { presence: 'PRESENT', typing: false });
      // Alice arrived after Bob: she learns he is here from the other process.
      await sees(alices.feed, bob, { presence: 'PRESENT' });
      expect(stateOf(bobs.feed, alice)).toMatchObject({ roomId, user: { id: alice.id, displayName: alice.displayName } });

      expect(await setActivity(alice, roomId, 'TYPING')).toBe(true);
      await sees(bobs.feed, alice, { typing: true, presence: 'PRESENT' });
      // Not sent again: it lapses by itself, and Bob is told.
      await sees(bobs.feed, alice, { typing: false });

      expect(await setActivity(alice, roomId, 'AWAY')).toBe(true);
      await sees(bobs.feed, alice, { presence: 'AWAY' });
      expect(await setActivity(alice, roomId, 'PRESENT')).toBe(true);
      await sees(bobs.feed, alice, { presence: 'PRESENT' });

      // Carol, arriving last, is told the state of everyone already here.
      const carols = await enter(carol, roomId);
      await sees(carols.feed, alice, { presence: 'PRESENT' });
      await sees(carols.feed, bob, { presence: 'PRESENT' });

      // Alice's socket closes: her last subscription to the room ended, she has left.
      await alices.client.dispose();
      await sees(bobs.feed, alice, { presence: 'ABSENT' });
      await sees(carols.feed, alice, { presence: 'ABSENT' });
      expect(bobs.feed.errors).toEqual([]);
      bobs.feed.stop();
      carols.feed.stop();
    }, 60_000);

    it('refuses non-members: FORBIDDEN to subscribe and to set activity', async () => {
      const roomId = await createRoom(alice, [bob]);
      const refused = collect(client(mallory), ACTIVITY, { roomId }, pick);
      await refused.ended();
      expect(refused.events).toEqual([]);
      expect(JSON.stringify(refused.errors)).toMatch(/FORBIDDEN/);
      const attempt = await stack.query('mutation($r: ID!) { setRoomActivity(roomId: $r, state: TYPING) }', { r: roomId }, { authorization: `Bearer ${mallory.accessToken}` });
      expect(attempt.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    });

    it('drops a burst of TYPING beyond the first (no error), and repeats of the same state', async () => {
      const roomId = await createRoom(alice, [bob]);
      const bobs = await enter(bob, roomId);
      const burst = await Promise.all(Array.from({ length: 8 }, () => setActivity(alice, roomId, 'TYPING')));
      expect(burst.filter(Boolean)).toHaveLength(1);
      expect(await setActivity(alice, roomId, 'IDLE')).toBe(true);
      expect(await setActivity(alice, roomId, 'IDLE')).toBe(false);
      await sees(bobs.feed, alice, { typing: false });
      const typingOfAlice = bobs.feed.events.filter((e) => e.user.id === alice.id).map((e) => e.typing);
      expect(typingOfAlice).toEqual([true, false]);
      bobs.feed.stop();
    });

    it('stores nothing: no row is written anywhere in community while members come, type, go away and leave', async () => {
      const roomId = await createRoom(alice, [bob]);
      const horizon = await writeHorizon(stack);
      const before = await writesSince(stack, horizon);
      expect(Object.values(before).every((v) => v.endsWith(' 0 written'))).toBe(true);
      const bobs = await enter(bob, roomId);
      const alices = await enter(alice, roomId, true);
      expect(await setActivity(alice, roomId, 'TYPING')).toBe(true);
      await sees(bobs.feed, alice, { typing: true });
      expect(await setActivity(bob, roomId, 'AWAY')).toBe(true);
      await sees(alices.feed, bob, { presence: 'AWAY' });
      await alices.client.dispose();
      await sees(bobs.feed, alice, { presence: 'ABSENT' });
      bobs.feed.stop();
      const after = await writesSince(stack, horizon);
      expect(after).toEqual(before);
      // The check sees a write when there is one: a message sent now shows.
      await as(stack, alice, 'mutation($r: ID!) { sendMessage(roomId: $r, content: "stored") { id } }', { r: roomId });
      expect((await writesSince(stack, horizon)).chat_messages).toMatch(/ 1 written$/);
    }, 60_000);

    it('ends the feed of a member removed from the room; the others see them leave', async () => {
      const roomId = await createRoom(alice, [bob, carol]);
      const bobs = await enter(bob, roomId);
      const carols = await enter(carol, roomId, true);
      await sees(bobs.feed, carol, { presence: 'PRESENT' });
      await as(stack, alice, 'mutation($r: ID!, $u: ID!) { removeChatMember(roomId: $r, userId: $u) { id } }', { r: roomId, u: carol.id });
      await carols.feed.ended();
      expect(carols.feed.completed).toBe(true);
      const seenByCarol = carols.feed.events.length;
      await sees(bobs.feed, carol, { presence: 'ABSENT' });
      expect(await setActivity(alice, roomId, 'TYPING')).toBe(true);
      await sees(bobs.feed, alice, { typing: true });
      expect(carols.feed.events).toHaveLength(seenByCarol);
      // Carol is no longer a member: she may not tell the room anything either.
      const attempt = await stack.query('mutation($r: ID!) { setRoomActivity(roomId: $r, state: TYPING) }', { r: roomId }, { authorization: `Bearer ${carol.accessToken}` });
      expect(attempt.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      bobs.feed.stop();
    }, 60_000);
  });
}

/**
 * What was written to the community schema since `since` (a transaction id horizon from
 * `writeHorizon`): per table, its rows now and the rows whose current version a transaction
 * begun after the horizon wrote (inserted or updated). Read from the tables themselves, not
 * from pg_stat_user_tables, which backends report lazily (up to seconds later).
 */
async function writesSince(stack: TestStack, since: string): Promise<Record<string, string>> {
  const tables = await adminRows<{ relname: string }>(
    stack.database.adminUrl,
    `SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'community' ORDER BY relname`,
  );
  const counts: Record<string, string> = {};
  for (const { relname } of tables) {
    const [row] = await adminRows<{ total: string; written: string }>(
      stack.database.adminUrl,
      `SELECT count(*)::text AS total, count(*) FILTER (WHERE xmin::text::bigint >= $1::bigint)::text AS written FROM community."${relname}"`,
      [since],
    );
    counts[relname] = `${row!.total} rows, ${row!.written} written`;
  }
  return counts;
}

/** The 32-bit id from which transactions begin after now (the tables' xmin compares with it). */
async function writeHorizon(stack: TestStack): Promise<string> {
  const [row] = await adminRows<{ xmax: string }>(stack.database.adminUrl, `SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint % 4294967296)::text AS xmax`);
  return row!.xmax;
}

roomActivity('PostgreSQL LISTEN/NOTIFY', {});

const redisUrl = process.env.REDIS_URL;
if (redisUrl) roomActivity('Redis pub/sub', { redisUrl });
else console.log('roomActivity over Redis not run: set REDIS_URL (e.g. redis://127.0.0.1:6379) to test it; LISTEN/NOTIFY, the default, is tested.');
