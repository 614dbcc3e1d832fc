import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entitiesQuery, startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { findRoomsOfUsers } from '../src/repositories/chat-room.repository.js';
import { buildCommunitySubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildCommunitySubgraph>>;
const ada = randomUUID();
const grace = randomUUID();
const group = randomUUID();
const session = randomUUID();

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildCommunitySubgraph, 'academy_community');
  const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  await admin.query(`INSERT INTO community.chat_rooms (id, name, kind) VALUES ($1, 'Study group', 'GROUP'), ($2, 'FAW 12 May', 'SESSION')`, [group, session]);
  await admin.query(
    `INSERT INTO community.chat_room_members (room_id, user_id, role, joined_at) VALUES
       ($1, $3, 'OWNER', now() - interval '3 days'), ($1, $4, 'MEMBER', now() - interval '2 days'), ($2, $3, 'MEMBER', now() - interval '1 day')`,
    [group, session, ada, grace],
  );
  await admin.end();
});

afterAll(async () => {
  await subgraph?.stop();
});

describe('chat room repository', () => {
  it("lists each user's rooms, most recently joined first, in one statement", async () => {
    const before = subgraph.service.database.statements.count;
    const rows = await findRoomsOfUsers(subgraph.service.database.db, [ada, grace, randomUUID()]);
    expect(subgraph.service.database.statements.count - before).toBe(1);
    expect(rows.filter((r) => r.member_user_id === ada).map((r) => r.id)).toEqual([session, group]);
    expect(rows.filter((r) => r.member_user_id === grace).map((r) => r.id)).toEqual([group]);
  });
});

describe('community operations', () => {
  it("refuses a user's rooms and a room to callers who are not signed in", async () => {
    const rooms = await subgraph.request(entitiesQuery('User', 'chatRooms { id }'), { representations: [{ __typename: 'User', id: ada }] });
    expect(rooms.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const room = await subgraph.request(`query($id: ID!) { chatRoom(id: $id) { id } }`, { id: group });
    expect(room.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const entity = await subgraph.request<{ _entities: unknown[] }>(entitiesQuery('ChatRoom', 'id name'), {
      representations: [{ __typename: 'ChatRoom', id: group }],
    });
    expect(entity.body.data!._entities).toEqual([null]);
  });
});
