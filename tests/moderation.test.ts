import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Client } from 'graphql-ws';
import { as, collect, signUpUser, signUpWithRoles, wsClient, type SignedUpUser } from './support/clients.js';
import { adminRows } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

// Deleting messages (sender, room moderators, ADMIN) and muting members, through the gateway.

const MESSAGE_DELETED = `subscription($roomId: ID!, $since: DateTime) {
  messageDeleted(roomId: $roomId, since: $since) { id sequence content deleted deletedAt deletedBy { id displayName } }
}`;

interface Deleted {
  id: string;
  sequence: number;
  content: string;
  deleted: boolean;
  deletedAt: string;
  deletedBy: { id: string; displayName: string } | null;
}
const pickDeleted = (data: Record<string, unknown>) => data.messageDeleted as Deleted;

let stack: TestStack;
let owner: SignedUpUser;
let moderator: SignedUpUser;
let bob: SignedUpUser;
let dave: SignedUpUser;
let mallory: SignedUpUser;
let admin: SignedUpUser;
const clients: Client[] = [];

function client(user: SignedUpUser): Client {
  const created = wsClient(stack.gateway.url, user);
  clients.push(created);
  return created;
}

/** A GROUP room of `owner` with a MODERATOR and two MEMBERs (Bob and Dave). */
async function createRoom(): Promise<string> {
  const { createChatRoom } = await as<{ createChatRoom: { id: string } }>(
    stack,
    owner,
    'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }',
    { input: { name: 'Moderated', kind: 'GROUP', memberIds: [bob.id, dave.id] } },
  );
  await as(stack, owner, 'mutation($r: ID!, $u: ID!) { addChatMember(roomId: $r, userId: $u, role: MODERATOR) { id } }', { r: createChatRoom.id, u: moderator.id });
  return createChatRoom.id;
}

const send = async (user: SignedUpUser, roomId: string, content: string) =>
  (await as<{ sendMessage: { id: string; sequence: number } }>(stack, user, 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { id sequence } }', { r: roomId, c: content }))
    .sendMessage;

/** The operation's error codes (none: []). */
async function codesOf(user: SignedUpUser, query: string, variables: Record<string, unknown>): Promise<(string | undefined)[]> {
  const { body } = await stack.query(query, variables, { authorization: `Bearer ${user.accessToken}` });
  return (body.errors ?? []).map((e) => e.extensions?.code);
}

const DELETE = 'mutation($id: ID!) { deleteMessage(id: $id) { id deleted content deletedAt deletedBy { id } } }';
const deleteAs = (user: SignedUpUser, id: string) =>
  as<{ deleteMessage: { id: string; deleted: boolean; content: string; deletedAt: string | null; deletedBy: { id: string } | null } }>(stack, user, DELETE, { id });

const MUTE = 'mutation($r: ID!, $u: ID!, $until: DateTime!) { muteMember(roomId: $r, userId: $u, until: $until) { user { id } role mutedUntil } }';
const UNMUTE = 'mutation($r: ID!, $u: ID!) { unmuteMember(roomId: $r, userId: $u) { user { id } mutedUntil } }';
const SEND = 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { sequence } }';

beforeAll(async () => {
  stack = await startStack();
  owner = await signUpUser(stack, 'Olive');
  moderator = await signUpUser(stack, 'Mona');
  bob = await signUpUser(stack, 'Bob');
  dave = await signUpUser(stack, 'Dave');
  mallory = await signUpUser(stack, 'Mallory');
  admin = await signUpWithRoles(stack, 'Ada', ['ADMIN']);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await stack?.stop();
});

describe('deleting messages', () => {
  it('reaches messageDeleted subscribers once and shows in the history as removed, in its place', async () => {
    const roomId = await createRoom();
    const first = await send(bob, roomId, 'something rude');
    const second = await send(bob, roomId, 'something else');
    await send(owner, roomId, 'stays');
    // `since` from before any deletion: whenever the subscription goes live, none is missed.
    const since = new Date(Date.now() - 1_000).toISOString();
    const daves = collect(client(dave), MESSAGE_DELETED, { roomId, since }, pickDeleted);

    const deleted = await deleteAs(moderator, first.id);
    expect(deleted.deleteMessage).toMatchObject({ id: first.id, deleted: true, content: '', deletedBy: { id: moderator.id } });
    await daves.waitFor(1);
    expect(daves.events[0]).toMatchObject({ id: first.id, sequence: first.sequence, content: '', deleted: true, deletedBy: { id: moderator.id, displayName: moderator.displayName } });
    // Live now: the next deletion arrives as it happens.
    await deleteAs(owner, second.id);
    await daves.waitFor(2);
    // Deleting again changes nothing and announces nothing.
    expect((await deleteAs(owner, second.id)).deleteMessage.deletedBy).toEqual({ id: owner.id });
    await send(owner, roomId, 'after the deletions');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(daves.events.map((e) => e.id)).toEqual([first.id, second.id]);
    expect(daves.errors).toEqual([]);
    daves.stop();

    const { chatRoom } = await as<{ chatRoom: { messages: { edges: { node: { sequence: number; content: string; deleted: boolean; deletedAt: string | null; deletedBy: { id: string } | null } }[] } } }>(
      stack,
      bob,
      'query($id: ID!) { chatRoom(id: $id) { messages { edges { node { sequence content deleted deletedAt deletedBy { id } } } } } }',
      { id: roomId },
    );
    expect(chatRoom.messages.edges.map((e) => e.node)).toEqual([
      { sequence: 1, content: '', deleted: true, deletedAt: daves.events[0]!.deletedAt, deletedBy: { id: moderator.id } },
      { sequence: 2, content: '', deleted: true, deletedAt: daves.events[1]!.deletedAt, deletedBy: { id: owner.id } },
      { sequence: 3, content: 'stays', deleted: false, deletedAt: null, deletedBy: null },
      { sequence: 4, content: 'after the deletions', deleted: false, deletedAt: null, deletedBy: null },
    ]);
    const rows = await adminRows<{ sequence: string; content: string; deleted_by: string | null }>(
      stack.database.adminUrl,
      'SELECT sequence::text, content, deleted_by FROM community.chat_messages WHERE room_id = $1 ORDER BY sequence',
      [roomId],
    );
    expect(rows).toEqual([
      { sequence: '1', content: '', deleted_by: moderator.id },
      { sequence: '2', content: '', deleted_by: owner.id },
      { sequence: '3', content: 'stays', deleted_by: null },
      { sequence: '4', content: 'after the deletions', deleted_by: null },
    ]);

    // A client back from offline replays the deletions since the last it had.
    const resumed = collect(client(bob), MESSAGE_DELETED, { roomId, since: daves.events[1]!.deletedAt }, pickDeleted);
    await resumed.waitFor(2);
    expect(resumed.events.map((e) => e.id)).toEqual([first.id, second.id]);
    resumed.stop();
  });

  it('lets the sender, OWNER, MODERATOR and an ADMIN delete; not another MEMBER or a non-member', async () => {
    const roomId = await createRoom();
    const ofOwner = await send(owner, roomId, 'from the owner');
    const ofBob = await send(bob, roomId, 'from Bob');
    expect(await codesOf(dave, DELETE, { id: ofBob.id })).toEqual(['FORBIDDEN']);
    expect(await codesOf(bob, DELETE, { id: ofOwner.id })).toEqual(['FORBIDDEN']);
    expect(await codesOf(mallory, DELETE, { id: ofBob.id })).toEqual(['FORBIDDEN']);
    expect((await deleteAs(bob, ofBob.id)).deleteMessage.deletedBy).toEqual({ id: bob.id });
    // An ADMIN need not be a member of the room.
    expect((await deleteAs(admin, ofOwner.id)).deleteMessage).toMatchObject({ deleted: true, deletedBy: { id: admin.id } });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await codesOf(admin, DELETE, { id: unknown })).toEqual(['NOT_FOUND']);
  });

  it('refuses messageDeleted to non-members and ends it for a member removed', async () => {
    const roomId = await createRoom();
    const refused = collect(client(mallory), MESSAGE_DELETED, { roomId }, pickDeleted);
    await refused.ended();
    expect(JSON.stringify(refused.errors)).toMatch(/FORBIDDEN/);

    const message = await send(owner, roomId, 'to be deleted');
    const since = new Date(Date.now() - 1_000).toISOString();
    const daves = collect(client(dave), MESSAGE_DELETED, { roomId, since }, pickDeleted);
    await deleteAs(owner, message.id);
    await daves.waitFor(1);
    await as(stack, owner, 'mutation($r: ID!, $u: ID!) { removeChatMember(roomId: $r, userId: $u) { id } }', { r: roomId, u: dave.id });
    await daves.ended();
    const later = await send(owner, roomId, 'after Dave left');
    await deleteAs(owner, later.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(daves.events.map((e) => e.id)).toEqual([message.id]);
  });
});

describe('muting members', () => {
  it('keeps a muted member from sending (FORBIDDEN, saying until when) until unmuted', async () => {
    const roomId = await createRoom();
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const { muteMember } = await as<{ muteMember: { user: { id: string }; role: string; mutedUntil: string } }>(stack, moderator, MUTE, { r: roomId, u: bob.id, until });
    expect(muteMember).toEqual({ user: { id: bob.id }, role: 'MEMBER', mutedUntil: until });

    const before = await send(dave, roomId, 'Dave is not muted');
    // Concurrent sends of the muted member: every one refused, no sequence number taken.
    const { body: refusal } = await stack.query(SEND, { r: roomId, c: 'muted?' }, { authorization: `Bearer ${bob.accessToken}` });
    expect(refusal.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refusal.errors?.[0]?.message).toContain(`muted in this room until ${until}`);
    const attempts = await Promise.all(Array.from({ length: 5 }, (_, i) => codesOf(bob, SEND, { r: roomId, c: `attempt ${i}` })));
    expect(attempts).toEqual(Array.from({ length: 5 }, () => ['FORBIDDEN']));
    expect((await send(owner, roomId, 'the next one')).sequence).toBe(before.sequence + 1);

    const { chatRoom } = await as<{ chatRoom: { members: { user: { id: string }; mutedUntil: string | null }[] } }>(
      stack,
      dave,
      'query($id: ID!) { chatRoom(id: $id) { members { user { id } mutedUntil } } }',
      { id: roomId },
    );
    expect(chatRoom.members.filter((m) => m.mutedUntil !== null)).toEqual([{ user: { id: bob.id }, mutedUntil: until }]);

    expect((await as<{ unmuteMember: { mutedUntil: string | null } }>(stack, moderator, UNMUTE, { r: roomId, u: bob.id })).unmuteMember.mutedUntil).toBeNull();
    expect((await send(bob, roomId, 'back')).sequence).toBe(before.sequence + 2);
  });

  it('refuses a send that waited for the room while a mute of its sender committed', async () => {
    const roomId = await createRoom();
    const before = await send(dave, roomId, 'before the mute');
    // A moderator's transaction holds the room (as muteMember does) while Bob's send comes in.
    const held = new pg.Client({ connectionString: stack.database.adminUrl });
    await held.connect();
    try {
      await held.query('BEGIN');
      await held.query('SELECT id FROM community.chat_rooms WHERE id = $1 FOR UPDATE', [roomId]);
      const [{ pid }] = (await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
      const sending = codesOf(bob, SEND, { r: roomId, c: 'sent while the room was held' });
      // The send is waiting for the room's lock (whatever its statement's text).
      let waiting = 0;
      for (let i = 0; i < 100 && waiting === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const rows = await adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
        waiting = rows[0]!.n;
      }
      expect(waiting).toBe(1);
      await held.query('INSERT INTO community.chat_room_mutes (room_id, user_id, muted_until, muted_by) VALUES ($1, $2, $3, $4)', [
        roomId,
        bob.id,
        new Date(Date.now() + 3_600_000),
        moderator.id,
      ]);
      await held.query('COMMIT');
      expect(await sending).toEqual(['FORBIDDEN']);
    } finally {
      await held.end();
    }
    // Nothing stored, no sequence number taken.
    expect((await send(dave, roomId, 'after the mute')).sequence).toBe(before.sequence + 1);
  });

  it('ends a mute by itself at its time', async () => {
    const roomId = await createRoom();
    const until = new Date(Date.now() + 1_500);
    await as(stack, owner, MUTE, { r: roomId, u: bob.id, until: until.toISOString() });
    expect(await codesOf(bob, SEND, { r: roomId, c: 'too early' })).toEqual(['FORBIDDEN']);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until.getTime() - Date.now()) + 200));
    expect(await codesOf(bob, SEND, { r: roomId, c: 'in time' })).toEqual([]);
  });

  it('lets an OWNER mute anyone else, a MODERATOR MEMBERs only, an ADMIN anyone; refuses others and bad times', async () => {
    const roomId = await createRoom();
    const until = new Date(Date.now() + 60_000).toISOString();
    expect(await codesOf(moderator, MUTE, { r: roomId, u: owner.id, until })).toEqual(['FORBIDDEN']);
    expect(await codesOf(bob, MUTE, { r: roomId, u: dave.id, until })).toEqual(['FORBIDDEN']);
    expect(await codesOf(mallory, MUTE, { r: roomId, u: dave.id, until })).toEqual(['FORBIDDEN']);
    expect(await codesOf(owner, MUTE, { r: roomId, u: owner.id, until })).toEqual(['BAD_USER_INPUT']);
    expect(await codesOf(owner, MUTE, { r: roomId, u: mallory.id, until })).toEqual(['NOT_FOUND']);
    const { body: past } = await stack.query(MUTE, { r: roomId, u: bob.id, until: new Date(Date.now() - 1_000).toISOString() }, { authorization: `Bearer ${owner.accessToken}` });
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'until' });
    expect(await codesOf(owner, MUTE, { r: roomId, u: moderator.id, until })).toEqual([]);
    expect(await codesOf(admin, MUTE, { r: roomId, u: owner.id, until })).toEqual([]);
    expect(await codesOf(owner, SEND, { r: roomId, c: 'muted by an ADMIN' })).toEqual(['FORBIDDEN']);
    expect(await codesOf(admin, UNMUTE, { r: roomId, u: owner.id })).toEqual([]);
    expect(await codesOf(owner, SEND, { r: roomId, c: 'unmuted' })).toEqual([]);
  });
});
