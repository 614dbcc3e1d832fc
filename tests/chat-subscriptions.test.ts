import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from 'graphql-ws';
import { as, collect, signUpUser, wsClient, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let alice: SignedUpUser;
let bob: SignedUpUser;
let carol: SignedUpUser;
let mallory: SignedUpUser;
const clients: Client[] = [];

// Subscriptions on fresh rooms resume after sequence 0: graphql-ws does not acknowledge a
// subscription, so a test cannot know when it is live, but with afterSequence nothing sent
// before that moment is missed (replay, then live).
const MESSAGE_ADDED = `subscription($roomId: ID!, $after: Int) {
  messageAdded(roomId: $roomId, afterSequence: $after) { sequence content sender { displayName } }
}`;

interface Event {
  sequence: number;
  content: string;
  sender: { displayName: string } | null;
}
const pickEvent = (data: Record<string, unknown>) => data.messageAdded as Event;

function client(user: SignedUpUser, url = stack.gateway.url): Client {
  const created = wsClient(url, user);
  clients.push(created);
  return created;
}

async function createRoom(owner: SignedUpUser, members: SignedUpUser[]): Promise<string> {
  const data = await as<{ createChatRoom: { id: string } }>(
    stack,
    owner,
    'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }',
    { input: { name: 'Study group', kind: 'GROUP', memberIds: members.map((m) => m.id) } },
  );
  return data.createChatRoom.id;
}

const send = (user: SignedUpUser, roomId: string, content: string) =>
  as<{ sendMessage: { sequence: number } }>(stack, user, 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { sequence } }', { r: roomId, c: content });

beforeAll(async () => {
  stack = await startStack();
  alice = await signUpUser(stack, 'Alice');
  bob = await signUpUser(stack, 'Bob');
  carol = await signUpUser(stack, 'Carol');
  mallory = await signUpUser(stack, 'Mallory');
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await stack?.stop();
});

describe('messageAdded through the gateway', () => {
  it("delivers each message once, in order, with the sender's name from identity", async () => {
    const roomId = await createRoom(alice, [bob]);
    const received = collect(client(bob), MESSAGE_ADDED, { roomId, after: 0 }, pickEvent);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 1; i <= 5; i++) await send(i % 2 ? alice : bob, roomId, `message ${i}`);
    const events = await received.waitFor(5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.errors).toEqual([]);
    expect(received.events).toEqual(
      [1, 2, 3, 4, 5].map((i) => ({ sequence: i, content: `message ${i}`, sender: { displayName: (i % 2 ? alice : bob).displayName } })),
    );
    expect(events).toHaveLength(5);
    received.stop();
  });

  it("refuses a non-member's subscription", async () => {
    const roomId = await createRoom(alice, [bob]);
    const refused = collect(client(mallory), MESSAGE_ADDED, { roomId }, pickEvent);
    await refused.ended();
    expect(refused.events).toEqual([]);
    expect(JSON.stringify(refused.errors)).toMatch(/FORBIDDEN|NOT_FOUND/);
  });

  it('stops delivering to a member removed mid-stream', async () => {
    const roomId = await createRoom(alice, [bob, carol]);
    const carols = collect(client(carol), MESSAGE_ADDED, { roomId, after: 0 }, pickEvent);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await send(alice, roomId, 'before');
    await carols.waitFor(1);
    await as(stack, alice, 'mutation($r: ID!, $u: ID!) { removeChatMember(roomId: $r, userId: $u) { id } }', { r: roomId, u: carol.id });
    for (let i = 0; i < 3; i++) await send(alice, roomId, `after ${i}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(carols.events.map((e) => e.content)).toEqual(['before']);
  });

  it('brings 500 concurrent messages from 10 senders to 3 subscribers complete and in order; resumes exactly from 250', async () => {
    const senders = await Promise.all(Array.from({ length: 10 }, (_, i) => signUpUser(stack, `Sender${i}`)));
    const roomId = await createRoom(alice, [bob, carol, ...senders]);
    const subscribers = [alice, bob, carol].map((user) => collect(client(user), MESSAGE_ADDED, { roomId, after: 0 }, pickEvent));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all(senders.map(async (sender, s) => {
      for (let i = 0; i < 50; i++) await send(sender, roomId, `s${s}-${i}`);
    }));
    for (const subscriber of subscribers) {
      const events = await subscriber.waitFor(500, 60_000);
      expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(subscriber.errors).toEqual([]);
    }
    const resumed = collect(client(bob), MESSAGE_ADDED, { roomId, after: 250 }, pickEvent);
    await resumed.waitFor(250);
    await send(alice, roomId, 'live after resume');
    const all = await resumed.waitFor(251);
    expect(all.map((e) => e.sequence)).toEqual(Array.from({ length: 251 }, (_, i) => i + 251));
    expect(all.at(-1)!.content).toBe('live after resume');
    for (const subscriber of [...subscribers, resumed]) subscriber.stop();
  }, 120_000);

  it("resolves viewer-independent fields once per message for a room's subscribers", async () => {
    const roomId = await createRoom(alice, [bob, carol]);
    const subscribers = [alice, bob, carol].map((user) => collect(client(user), MESSAGE_ADDED, { roomId, after: 0 }, pickEvent));
    // Every subscription is live once each has received the first message.
    await send(alice, roomId, 'first');
    for (const subscriber of subscribers) await subscriber.waitFor(1);
    const before = stack.subgraphs.identity.fetches();
    for (let i = 1; i <= 4; i++) {
      await send(bob, roomId, `shared ${i}`);
      for (const subscriber of subscribers) await subscriber.waitFor(i + 1);
    }
    // One identity fetch per message for `sender { displayName }`, not one per subscriber.
    expect(stack.subgraphs.identity.fetches() - before).toBe(4);
    for (const subscriber of subscribers) {
      expect(subscriber.errors).toEqual([]);
      expect(subscriber.events.slice(1).map((e) => e.sender?.displayName)).toEqual([bob.displayName, bob.displayName, bob.displayName, bob.displayName]);
      subscriber.stop();
    }
  });

  it('resolves viewer-dependent fields per subscriber: only the sender sees their own e-mail', async () => {
    const roomId = await createRoom(alice, [bob]);
    const query = `subscription($roomId: ID!, $after: Int) {
      messageAdded(roomId: $roomId, afterSequence: $after) { sequence sender { displayName email } }
    }`;
    const pickSender = (data: Record<string, unknown>) => (data.messageAdded as { sender: { displayName: string; email: string | null } }).sender;
    const alices = collect(client(alice), query, { roomId, after: 0 }, pickSender);
    const bobs = collect(client(bob), query, { roomId, after: 0 }, pickSender);
    await send(alice, roomId, 'from alice');
    await Promise.all([alices.waitFor(1), bobs.waitFor(1)]);
    expect(alices.events).toEqual([{ displayName: alice.displayName, email: alice.email }]);
    expect(bobs.events).toEqual([{ displayName: alice.displayName, email: null }]);
    alices.stop();
    bobs.stop();
  });

  it('misses nothing across a gateway restart when the client resubscribes from its last sequence', async () => {
    const roomId = await createRoom(alice, [bob]);
    const before = collect(client(bob), MESSAGE_ADDED, { roomId, after: 0 }, pickEvent);
    for (let i = 1; i <= 3; i++) await send(alice, roomId, `before restart ${i}`);
    await before.waitFor(3);
    await stack.restartGateway();
    // The old gateway closed the socket: the subscription ends with an error, not silently.
    await before.ended();
    const last = before.events.at(-1)!.sequence;
    for (let i = 1; i <= 3; i++) await send(alice, roomId, `after restart ${i}`);
    const after = collect(client(bob), MESSAGE_ADDED, { roomId, after: last }, pickEvent);
    await after.waitFor(3);
    await send(alice, roomId, 'live again');
    await after.waitFor(4);
    expect([...before.events, ...after.events].map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(after.events.map((e) => e.content)).toEqual(['after restart 1', 'after restart 2', 'after restart 3', 'live again']);
    after.stop();
  });
});
