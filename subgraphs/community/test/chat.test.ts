import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entitiesQuery } from '@academy/service-kit/testing';
import { randomUUID } from 'node:crypto';
import {
  ADD_MEMBER,
  adminClient,
  CREATE_ROOM,
  createRoom,
  errorCode,
  newUser,
  range,
  REMOVE_MEMBER,
  run,
  send,
  SEND,
  sendMany,
  startCommunity,
  type CommunityTestSubgraph,
} from './support/community.js';

let subgraph: CommunityTestSubgraph;

beforeAll(async () => {
  subgraph = await startCommunity();
});

afterAll(async () => {
  await subgraph?.stop();
});

const OPEN_DIRECT = `mutation($userId: ID!) { openDirectChat(userId: $userId) { id kind name members { user { id } role } } }`;
const EDIT = `mutation($id: ID!, $content: String!) { editMessage(id: $id, content: $content) { id sequence content editedAt deleted } }`;
const DELETE = `mutation($id: ID!) { deleteMessage(id: $id) { id sequence content editedAt deleted } }`;
const MARK_READ = `mutation($roomId: ID!, $upToSequence: Int!) { markRoomRead(roomId: $roomId, upToSequence: $upToSequence) { id unreadCount } }`;
const ROOM = `query($id: ID!) { chatRoom(id: $id) { id unreadCount lastMessage { sequence content } members { user { id } role } } }`;
const HISTORY = `query($id: ID!, $last: Int, $before: String) {
  chatRoom(id: $id) {
    messages(last: $last, before: $before) {
      edges { cursor node { sequence content deleted editedAt sender { id } room { id } } }
      pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
    }
  }
}`;

interface HistoryPage {
  edges: { cursor: string; node: { sequence: number; content: string; deleted: boolean; editedAt: string | null } }[];
  pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
}

describe('createChatRoom', () => {
  it('makes the creator OWNER and the others MEMBERs, once each', async () => {
    const ada = newUser();
    const grace = newUser();
    const data = await run(subgraph, ada, CREATE_ROOM, {
      input: { name: '  FAW study group  ', kind: 'GROUP', memberIds: [grace.userId, grace.userId, ada.userId] },
    });
    expect(data.createChatRoom).toMatchObject({ name: 'FAW study group', kind: 'GROUP' });
    expect(data.createChatRoom.members).toEqual(
      expect.arrayContaining([
        { user: { id: ada.userId }, role: 'OWNER' },
        { user: { id: grace.userId }, role: 'MEMBER' },
      ]),
    );
    expect(data.createChatRoom.members).toHaveLength(2);
  });

  it('refuses bad input and callers who are not signed in', async () => {
    const ada = newUser();
    const input = (over: Record<string, unknown>) => ({ input: { name: 'Room', kind: 'GROUP', memberIds: [randomUUID()], ...over } });
    expect(await errorCode(subgraph, ada, CREATE_ROOM, input({ memberIds: [] }))).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, ada, CREATE_ROOM, input({ memberIds: Array.from({ length: 501 }, () => randomUUID()) }))).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, ada, CREATE_ROOM, input({ memberIds: ['not-a-uuid'] }))).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, ada, CREATE_ROOM, input({ name: '   ' }))).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, ada, CREATE_ROOM, input({ kind: 'DIRECT' }))).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, ada, CREATE_ROOM, input({ kind: 'SESSION' }))).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, null, CREATE_ROOM, input({}))).toBe('UNAUTHENTICATED');
    const big = await run(subgraph, ada, CREATE_ROOM, input({ memberIds: Array.from({ length: 500 }, () => randomUUID()) }));
    expect(big.createChatRoom.members).toHaveLength(501);
  });
});

describe('openDirectChat', () => {
  it('gives a pair one room, however many times and from whichever side it is opened at once', async () => {
    const ada = newUser();
    const grace = newUser();
    const opened = await Promise.all(
      Array.from({ length: 12 }, (_, i) => run(subgraph, i % 2 === 0 ? ada : grace, OPEN_DIRECT, { userId: (i % 2 === 0 ? grace : ada).userId })),
    );
    const ids = new Set(opened.map((d) => d.openDirectChat.id));
    expect(ids.size).toBe(1);
    expect(opened[0]!.openDirectChat).toMatchObject({ kind: 'DIRECT', name: null });
    expect(opened[0]!.openDirectChat.members).toEqual(
      expect.arrayContaining([
        { user: { id: ada.userId }, role: 'MEMBER' },
        { user: { id: grace.userId }, role: 'MEMBER' },
      ]),
    );
    const admin = await adminClient(subgraph);
    try {
      const rooms = await admin.query(
        `SELECT id FROM community.chat_rooms WHERE kind = 'DIRECT' AND id IN (SELECT room_id FROM community.chat_room_members WHERE user_id = $1)`,
        [ada.userId],
      );
      expect(rooms.rows).toEqual([{ id: [...ids][0] }]);
      const told = await admin.query(`SELECT user_id FROM community.notifications WHERE user_id IN ($1, $2)`, [ada.userId, grace.userId]);
      // Whoever opened it first told the other, once.
      expect(told.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
  });

  it('adds back a user who had left, and refuses a chat with oneself', async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = (await run(subgraph, ada, OPEN_DIRECT, { userId: grace.userId })).openDirectChat.id;
    await run(subgraph, grace, REMOVE_MEMBER, { roomId, userId: grace.userId });
    expect((await run(subgraph, grace, ROOM, { id: roomId })).chatRoom).toBeNull();
    expect((await run(subgraph, grace, OPEN_DIRECT, { userId: ada.userId })).openDirectChat.id).toBe(roomId);
    expect((await run(subgraph, grace, ROOM, { id: roomId })).chatRoom).not.toBeNull();
    expect(await errorCode(subgraph, ada, OPEN_DIRECT, { userId: ada.userId })).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, ada, ADD_MEMBER, { roomId, userId: newUser().userId })).toBe('FORBIDDEN');
  });
});

describe('membership', () => {
  it('lets OWNERs and MODERATORs add members, and only OWNERs grant roles', async () => {
    const owner = newUser();
    const moderator = newUser();
    const member = newUser();
    const roomId = await createRoom(subgraph, owner, [moderator, member]);
    await run(subgraph, owner, ADD_MEMBER, { roomId, userId: moderator.userId, role: 'MODERATOR' });

    expect(await errorCode(subgraph, member, ADD_MEMBER, { roomId, userId: newUser().userId })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, moderator, ADD_MEMBER, { roomId, userId: newUser().userId, role: 'MODERATOR' })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, moderator, ADD_MEMBER, { roomId, userId: member.userId, role: 'OWNER' })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, newUser(), ADD_MEMBER, { roomId, userId: newUser().userId })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, owner, ADD_MEMBER, { roomId: randomUUID(), userId: newUser().userId })).toBe('NOT_FOUND');

    const newcomer = newUser();
    await run(subgraph, moderator, ADD_MEMBER, { roomId, userId: newcomer.userId });
    // Adding again changes nothing.
    await run(subgraph, moderator, ADD_MEMBER, { roomId, userId: newcomer.userId });
    const roles = (await run(subgraph, owner, ROOM, { id: roomId })).chatRoom.members.map((m: { user: { id: string }; role: string }) => [m.user.id, m.role]);
    expect(roles).toEqual(
      expect.arrayContaining([
        [owner.userId, 'OWNER'],
        [moderator.userId, 'MODERATOR'],
        [member.userId, 'MEMBER'],
        [newcomer.userId, 'MEMBER'],
      ]),
    );
    expect(roles).toHaveLength(4);
  });

  it('lets members leave, OWNERs remove anyone, MODERATORs only MEMBERs, and keeps the last OWNER', async () => {
    const owner = newUser();
    const moderator = newUser();
    const member = newUser();
    const other = newUser();
    const roomId = await createRoom(subgraph, owner, [moderator, member, other]);
    await run(subgraph, owner, ADD_MEMBER, { roomId, userId: moderator.userId, role: 'MODERATOR' });

    expect(await errorCode(subgraph, member, REMOVE_MEMBER, { roomId, userId: other.userId })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, moderator, REMOVE_MEMBER, { roomId, userId: owner.userId })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, newUser(), REMOVE_MEMBER, { roomId, userId: member.userId })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, owner, REMOVE_MEMBER, { roomId, userId: owner.userId })).toBe('CONFLICT');
    expect(await errorCode(subgraph, owner, ADD_MEMBER, { roomId, userId: owner.userId, role: 'MEMBER' })).toBe('CONFLICT');

    await run(subgraph, moderator, REMOVE_MEMBER, { roomId, userId: member.userId });
    await run(subgraph, other, REMOVE_MEMBER, { roomId, userId: other.userId });
    await run(subgraph, owner, REMOVE_MEMBER, { roomId, userId: moderator.userId });
    const members = (await run(subgraph, owner, ROOM, { id: roomId })).chatRoom.members;
    expect(members).toEqual([{ user: { id: owner.userId }, role: 'OWNER' }]);

    // With a second OWNER, the first may leave.
    await run(subgraph, owner, ADD_MEMBER, { roomId, userId: member.userId, role: 'OWNER' });
    await run(subgraph, owner, REMOVE_MEMBER, { roomId, userId: owner.userId });
    expect((await run(subgraph, owner, ROOM, { id: roomId })).chatRoom).toBeNull();
  });

  it('keeps an OWNER when two OWNERs remove each other at the same time', async () => {
    const first = newUser();
    const second = newUser();
    const roomId = await createRoom(subgraph, first, [second]);
    await run(subgraph, first, ADD_MEMBER, { roomId, userId: second.userId, role: 'OWNER' });
    const results = await Promise.all([
      subgraph.request(REMOVE_MEMBER, { roomId, userId: second.userId }, { viewer: first }),
      subgraph.request(REMOVE_MEMBER, { roomId, userId: first.userId }, { viewer: second }),
    ]);
    const codes = results.map((r) => r.body.errors?.[0]?.extensions?.code ?? 'OK').sort();
    // Whichever ran first succeeded; the other was no longer allowed (its actor had been removed).
    expect(codes).toEqual(['FORBIDDEN', 'OK']);
    const admin = await adminClient(subgraph);
    try {
      const owners = await admin.query(`SELECT count(*)::int AS n FROM community.chat_room_members WHERE room_id = $1 AND role = 'OWNER'`, [roomId]);
      expect(owners.rows[0].n).toBe(1);
    } finally {
      await admin.end();
    }
  });

  it('shows a room and its history to members only', async () => {
    const ada = newUser();
    const roomId = await createRoom(subgraph, ada, [newUser()]);
    await send(subgraph, ada, roomId, 'members only');
    const outsider = newUser();
    expect((await run(subgraph, outsider, ROOM, { id: roomId })).chatRoom).toBeNull();
    const entities = await subgraph.request<{ _entities: unknown[] }>(entitiesQuery('ChatRoom', 'id lastMessage { content }'), { representations: [{ __typename: 'ChatRoom', id: roomId }] }, { viewer: outsider });
    expect(entities.body.data!._entities).toEqual([null]);
    const mine = await subgraph.request<{ _entities: unknown[] }>(entitiesQuery('ChatRoom', 'id lastMessage { content }'), { representations: [{ __typename: 'ChatRoom', id: roomId }] }, { viewer: ada });
    expect(mine.body.data!._entities).toEqual([{ id: roomId, lastMessage: { content: 'members only' } }]);
  });
});

describe('messages', () => {
  it('numbers 500 messages from 10 concurrent senders 1..500, without gaps', async () => {
    const owner = newUser();
    const senders = Array.from({ length: 10 }, () => newUser());
    const roomId = await createRoom(subgraph, owner, senders);
    const sequences = await sendMany(subgraph, senders, roomId, 500);
    expect([...sequences].sort((a, b) => a - b)).toEqual(range(1, 500));
    const admin = await adminClient(subgraph);
    try {
      const stored = await admin.query(`SELECT sequence FROM community.chat_messages WHERE room_id = $1 ORDER BY sequence`, [roomId]);
      expect(stored.rows.map((r) => Number(r.sequence))).toEqual(range(1, 500));
      const room = await admin.query(`SELECT last_sequence FROM community.chat_rooms WHERE id = $1`, [roomId]);
      expect(Number(room.rows[0].last_sequence)).toBe(500);
    } finally {
      await admin.end();
    }
  });

  it('lets members only send, trims the text and checks its length', async () => {
    const ada = newUser();
    const roomId = await createRoom(subgraph, ada, [newUser()]);
    const sent = await run(subgraph, ada, SEND, { roomId, content: '  hello  ' });
    expect(sent.sendMessage).toMatchObject({ sequence: 1, content: 'hello', sender: { id: ada.userId }, clientMessageId: null });
    expect(await errorCode(subgraph, newUser(), SEND, { roomId, content: 'hi' })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, ada, SEND, { roomId: randomUUID(), content: 'hi' })).toBe('NOT_FOUND');
    expect(await errorCode(subgraph, null, SEND, { roomId, content: 'hi' })).toBe('UNAUTHENTICATED');
    expect(await errorCode(subgraph, ada, SEND, { roomId, content: '   ' })).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, ada, SEND, { roomId, content: 'x'.repeat(4001) })).toBe('BAD_USER_INPUT');
    expect((await run(subgraph, ada, SEND, { roomId, content: 'x'.repeat(4000) })).sendMessage.sequence).toBe(2);
  });

  it('returns the first message to a retry with the same clientMessageId, even at the same time, and takes no sequence', async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = await createRoom(subgraph, ada, [grace]);
    const first = (await run(subgraph, ada, SEND, { roomId, content: 'once', clientMessageId: 'c-1' })).sendMessage;
    const again = (await run(subgraph, ada, SEND, { roomId, content: 'once', clientMessageId: 'c-1' })).sendMessage;
    expect(again).toEqual(first);
    expect(first).toMatchObject({ sequence: 1, clientMessageId: 'c-1' });

    const racing = await Promise.all(Array.from({ length: 8 }, () => run(subgraph, ada, SEND, { roomId, content: 'racing', clientMessageId: 'c-2' })));
    expect(new Set(racing.map((r) => r.sendMessage.id)).size).toBe(1);
    expect(racing[0]!.sendMessage.sequence).toBe(2);
    // Another sender's id of the same text is theirs.
    expect((await run(subgraph, grace, SEND, { roomId, content: 'mine', clientMessageId: 'c-1' })).sendMessage.sequence).toBe(3);
    expect(await send(subgraph, ada, roomId, 'next')).toBe(4);
    expect(await errorCode(subgraph, ada, SEND, { roomId, content: 'x', clientMessageId: '' })).toBe('BAD_USER_INPUT');
  });

  it('lets only the sender edit, the sender, OWNERs and MODERATORs delete; a deleted message keeps its place', async () => {
    const owner = newUser();
    const moderator = newUser();
    const sender = newUser();
    const other = newUser();
    const roomId = await createRoom(subgraph, owner, [moderator, sender, other]);
    await run(subgraph, owner, ADD_MEMBER, { roomId, userId: moderator.userId, role: 'MODERATOR' });
    const ids: string[] = [];
    for (const text of ['first', 'second', 'third']) ids.push((await run(subgraph, sender, SEND, { roomId, content: text })).sendMessage.id);
    const [first, second, third] = ids as [string, string, string];

    const edited = (await run(subgraph, sender, EDIT, { id: first, content: ' first, edited ' })).editMessage;
    expect(edited).toMatchObject({ sequence: 1, content: 'first, edited', deleted: false });
    expect(edited.editedAt).not.toBeNull();
    expect(await errorCode(subgraph, other, EDIT, { id: first, content: 'hijack' })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, other, DELETE, { id: first })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, newUser(), DELETE, { id: first })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, sender, EDIT, { id: randomUUID(), content: 'x' })).toBe('NOT_FOUND');
    expect(await errorCode(subgraph, sender, EDIT, { id: first, content: ' ' })).toBe('BAD_USER_INPUT');
    // Managing the room is no licence to put words in a member's mouth.
    expect(await errorCode(subgraph, moderator, EDIT, { id: second, content: 'moderated' })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, owner, EDIT, { id: second, content: 'owned' })).toBe('FORBIDDEN');

    const deleted = (await run(subgraph, owner, DELETE, { id: third })).deleteMessage;
    expect(deleted).toMatchObject({ sequence: 3, content: '', deleted: true });
    expect(deleted.editedAt).not.toBeNull();
    expect((await run(subgraph, sender, DELETE, { id: third })).deleteMessage).toEqual(deleted);
    expect(await errorCode(subgraph, sender, EDIT, { id: third, content: 'back' })).toBe('CONFLICT');
    expect((await run(subgraph, moderator, DELETE, { id: second })).deleteMessage.deleted).toBe(true);

    const history = (await run(subgraph, other, HISTORY, { id: roomId })).chatRoom.messages as HistoryPage;
    expect(history.edges.map((e) => [e.node.sequence, e.node.content, e.node.deleted])).toEqual([
      [1, 'first, edited', false],
      [2, '', true],
      [3, '', true],
    ]);
    const admin = await adminClient(subgraph);
    try {
      const stored = await admin.query(`SELECT content FROM community.chat_messages WHERE id = ANY($1::uuid[]) AND deleted_at IS NOT NULL`, [[second, third]]);
      expect(stored.rows).toEqual([{ content: '' }, { content: '' }]);
    } finally {
      await admin.end();
    }

    // A sender who left may no longer change what they sent.
    await run(subgraph, sender, REMOVE_MEMBER, { roomId, userId: sender.userId });
    expect(await errorCode(subgraph, sender, EDIT, { id: first, content: 'after leaving' })).toBe('FORBIDDEN');
  });

  it('counts unread messages of others from the read pointer, which never moves backwards', async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = await createRoom(subgraph, ada, [grace]);
    await sendMany(subgraph, [ada], roomId, 4);
    const unread = async (viewer: typeof ada) => (await run(subgraph, viewer, ROOM, { id: roomId })).chatRoom.unreadCount;
    expect(await unread(grace)).toBe(4);
    expect(await unread(ada)).toBe(0);

    expect((await run(subgraph, grace, MARK_READ, { roomId, upToSequence: 3 })).markRoomRead.unreadCount).toBe(1);
    expect((await run(subgraph, grace, MARK_READ, { roomId, upToSequence: 1 })).markRoomRead.unreadCount).toBe(1);
    // Sending reads everything before; ada's messages after that are unread again for grace.
    await send(subgraph, grace, roomId, 'reply');
    expect(await unread(grace)).toBe(0);
    await sendMany(subgraph, [ada], roomId, 2);
    expect(await unread(grace)).toBe(2);
    // Past the newest message counts as the newest: later messages are unread.
    expect((await run(subgraph, grace, MARK_READ, { roomId, upToSequence: 1000 })).markRoomRead.unreadCount).toBe(0);
    await send(subgraph, ada, roomId, 'later');
    expect(await unread(grace)).toBe(1);

    expect(await errorCode(subgraph, newUser(), MARK_READ, { roomId, upToSequence: 1 })).toBe('FORBIDDEN');
    expect(await errorCode(subgraph, grace, MARK_READ, { roomId, upToSequence: -1 })).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, grace, MARK_READ, { roomId: randomUUID(), upToSequence: 1 })).toBe('NOT_FOUND');
  });

  it('pages backwards through history, newest last, with 50 by default and at most 100', async () => {
    const ada = newUser();
    const roomId = await createRoom(subgraph, ada, [newUser()]);
    await sendMany(subgraph, [ada], roomId, 120);
    const page = async (variables: Record<string, unknown>) => (await run(subgraph, ada, HISTORY, { id: roomId, ...variables })).chatRoom.messages as HistoryPage;

    const newest = await page({});
    expect(newest.edges.map((e) => e.node.sequence)).toEqual(range(71, 120));
    expect(newest.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const older = await page({ before: newest.pageInfo.startCursor });
    expect(older.edges.map((e) => e.node.sequence)).toEqual(range(21, 70));
    expect(older.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const oldest = await page({ before: older.pageInfo.startCursor });
    expect(oldest.edges.map((e) => e.node.sequence)).toEqual(range(1, 20));
    expect(oldest.pageInfo.hasPreviousPage).toBe(false);

    expect((await page({ last: 500 })).edges).toHaveLength(100);
    expect((await page({ last: 0 })).pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: null });
    expect(await errorCode(subgraph, ada, HISTORY, { id: roomId, last: -1 })).toBe('BAD_USER_INPUT');
    expect(await errorCode(subgraph, ada, HISTORY, { id: roomId, before: 'bm90IGEgY3Vyc29y' })).toBe('BAD_USER_INPUT');
    const last = (await run(subgraph, ada, ROOM, { id: roomId })).chatRoom.lastMessage;
    expect(last).toEqual({ sequence: 120, content: 'message 119' });
  });

  it("reads many rooms' last messages, pages and unread counts in a few statements", async () => {
    const ada = newUser();
    const rooms: string[] = [];
    for (let i = 0; i < 6; i++) {
      const roomId = await createRoom(subgraph, ada, [newUser()], `Room ${i}`);
      await sendMany(subgraph, [ada], roomId, 3);
      rooms.push(roomId);
    }
    const query = entitiesQuery('User', 'chatRooms { id unreadCount lastMessage { sequence } messages(last: 2) { edges { node { sequence sender { id } } } } members { role } }');
    const before = subgraph.service.database.statements.count;
    const { body } = await subgraph.request<{ _entities: { chatRooms: { id: string; lastMessage: { sequence: number }; messages: HistoryPage }[] }[] }>(
      query,
      { representations: [{ __typename: 'User', id: ada.userId }] },
      { viewer: ada },
    );
    const statements = subgraph.service.database.statements.count - before;
    const chatRooms = body.data!._entities[0]!.chatRooms;
    expect(chatRooms).toHaveLength(6);
    for (const room of chatRooms) {
      expect(room.lastMessage.sequence).toBe(3);
      expect(room.messages.edges.map((e) => e.node.sequence)).toEqual([2, 3]);
    }
    // rooms, memberships of the viewer, unread counts, last messages, pages, members: one each.
    expect(statements).toBe(6);
  });
});

describe('a chat screen', () => {
  it('reads the room, the membership and the page of history in one statement, for members only', async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = await createRoom(subgraph, ada, [grace], 'One read');
    await sendMany(subgraph, [ada, grace], roomId, 5);
    const screen = `query($id: ID!) { chatRoom(id: $id) { id name messages(last: 3) { edges { node { sequence content sentAt editedAt deleted sender { id } } } pageInfo { hasPreviousPage } } } }`;
    const before = subgraph.service.database.statements.count;
    const data = await run(subgraph, grace, screen, { id: roomId });
    expect(subgraph.service.database.statements.count - before).toBe(1);
    expect(data.chatRoom.name).toBe('One read');
    expect(data.chatRoom.messages.edges.map((e: { node: { sequence: number } }) => e.node.sequence)).toEqual([3, 4, 5]);
    expect(data.chatRoom.messages.edges[0].node).toMatchObject({ deleted: false, editedAt: null, sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(data.chatRoom.messages.pageInfo.hasPreviousPage).toBe(true);
    expect((await run(subgraph, newUser(), screen, { id: roomId })).chatRoom).toBeNull();
  });

  it('reads ahead the page a named fragment asks for, as it does the page asked for directly', async () => {
    const ada = newUser();
    const grace = newUser();
    const roomId = await createRoom(subgraph, ada, [grace], 'Fragments');
    await sendMany(subgraph, [ada, grace], roomId, 4);
    const direct = `query($id: ID!) { chatRoom(id: $id) { id name messages(last: 2) { edges { node { sequence content } } pageInfo { hasPreviousPage } } } }`;
    const spread = `query($id: ID!) { chatRoom(id: $id) { ...Screen } }
      fragment Screen on ChatRoom { id name ...History }
      fragment History on ChatRoom { messages(last: 2) { edges { node { sequence content } } pageInfo { hasPreviousPage } } }`;
    const read = async (query: string) => {
      const before = subgraph.service.database.statements.count;
      const data = await run(subgraph, grace, query, { id: roomId });
      return { data, statements: subgraph.service.database.statements.count - before };
    };
    const asked = await read(direct);
    const throughFragments = await read(spread);
    expect(asked.data.chatRoom.messages.edges.map((e: { node: { sequence: number } }) => e.node.sequence)).toEqual([3, 4]);
    expect(throughFragments.data).toEqual(asked.data);
    expect(throughFragments.statements).toBe(1);
    expect(asked.statements).toBe(1);
  });

  it("reads nothing for a message's room when a fragment asks for its key alone", async () => {
    const ada = newUser();
    const rooms: string[] = [];
    for (let i = 0; i < 3; i++) {
      const roomId = await createRoom(subgraph, ada, [newUser()], `Key ${i}`);
      await send(subgraph, ada, roomId, 'hello');
      rooms.push(roomId);
    }
    const query = `${entitiesQuery('User', 'chatRooms { lastMessage { room { ...RoomKey } } }')} fragment RoomKey on ChatRoom { __typename id }`;
    const before = subgraph.service.database.statements.count;
    const { body } = await subgraph.request<{ _entities: { chatRooms: { lastMessage: { room: { __typename: string; id: string } } }[] }[] }>(
      query,
      { representations: [{ __typename: 'User', id: ada.userId }] },
      { viewer: ada },
    );
    const statements = subgraph.service.database.statements.count - before;
    const found = body.data!._entities[0]!.chatRooms.map((r) => r.lastMessage.room);
    expect(found).toEqual(expect.arrayContaining(rooms.map((id) => ({ __typename: 'ChatRoom', id }))));
    expect(found).toHaveLength(3);
    // rooms, memberships of the viewer, last messages: the rooms are not read again.
    expect(statements).toBe(3);
  });
});

describe('training sessions', () => {
  it("resolves a session's room for its members only", async () => {
    const trainer = newUser();
    const sessionId = randomUUID();
    const admin = await adminClient(subgraph);
    let roomId: string;
    try {
      const room = await admin.query(`INSERT INTO community.chat_rooms (name, kind, session_id) VALUES ('EFAW, York', 'SESSION', $1) RETURNING id`, [sessionId]);
      roomId = room.rows[0].id;
      await admin.query(`INSERT INTO community.chat_room_members (room_id, user_id, role) VALUES ($1, $2, 'OWNER')`, [roomId, trainer.userId]);
    } finally {
      await admin.end();
    }
    const query = entitiesQuery('TrainingSession', 'chatRoom { id name }');
    const representations = [{ __typename: 'TrainingSession', id: sessionId }];
    expect((await run(subgraph, trainer, query, { representations }))._entities).toEqual([{ chatRoom: { id: roomId, name: 'EFAW, York' } }]);
    expect((await run(subgraph, newUser(), query, { representations }))._entities).toEqual([{ chatRoom: null }]);
  });
});
