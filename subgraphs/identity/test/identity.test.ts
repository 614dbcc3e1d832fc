import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entitiesQuery, startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { findUserPage, findUsersByIds } from '../src/repositories/user.repository.js';
import { buildIdentitySubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildIdentitySubgraph>>;
const ada = randomUUID();
const grace = randomUUID();

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildIdentitySubgraph, 'academy_identity');
  const admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  await admin.query(
    `INSERT INTO identity.users (id, email, first_name, last_name, display_name, password_hash, created_at)
     VALUES ($1, 'ada@example.test', 'Ada', 'Lovelace', 'Ada L.', 'hash-ada', now() - interval '2 days'),
            ($2, 'grace@example.test', 'Grace', 'Hopper', 'Grace H.', null, now() - interval '1 day')`,
    [ada, grace],
  );
  await admin.query(`INSERT INTO identity.user_roles (user_id, role) VALUES ($1, 'LEARNER'), ($1, 'TRAINER'), ($2, 'ADMIN')`, [ada, grace]);
  await admin.end();
});

afterAll(async () => {
  await subgraph?.stop();
});

describe('user repository', () => {
  it('reads users with their roles and never the password hash', async () => {
    const users = await findUsersByIds(subgraph.service.database.db, [ada, randomUUID()]);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: ada, display_name: 'Ada L.', roles: ['LEARNER', 'TRAINER'] });
    expect(users[0]).not.toHaveProperty('password_hash');
  });

  it('pages by creation time, searches by prefix and filters by role, with exact totals', async () => {
    const db = subgraph.service.database.db;
    const all = await findUserPage(db, { search: null, role: null, limit: 1, after: null });
    expect(all).toMatchObject({ totalCount: 2, hasPreviousPage: false });
    expect(all.rows.map((u) => u.id)).toEqual([ada, grace]);
    const next = await findUserPage(db, { search: null, role: null, limit: 1, after: [all.rows[0]!.created_at_key, ada] });
    expect(next.rows.map((u) => u.id)).toEqual([grace]);
    expect(next.hasPreviousPage).toBe(true);
    expect((await findUserPage(db, { search: 'hop', role: null, limit: 10, after: null })).rows.map((u) => u.id)).toEqual([grace]);
    expect((await findUserPage(db, { search: '%', role: null, limit: 10, after: null })).totalCount).toBe(0);
    expect((await findUserPage(db, { search: null, role: 'TRAINER', limit: 10, after: null })).rows.map((u) => u.id)).toEqual([ada]);
  });
});

describe('identity operations', () => {
  it('resolves User entities in order with the public profile only, hiding the rest from others', async () => {
    const { body } = await subgraph.request<{ _entities: unknown[] }>(entitiesQuery('User', 'id displayName firstName lastName timezone language email roles'), {
      representations: [{ __typename: 'User', id: grace }, { __typename: 'User', id: randomUUID() }, { __typename: 'User', id: ada }],
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities).toEqual([
      { id: grace, displayName: 'Grace H.', firstName: null, lastName: null, timezone: null, language: null, email: null, roles: [] },
      null,
      { id: ada, displayName: 'Ada L.', firstName: null, lastName: null, timezone: null, language: null, email: null, roles: [] },
    ]);
  });

  it('shows the whole profile to the user themself and to ADMIN', async () => {
    const fields = 'firstName lastName email roles';
    const self = await subgraph.request<{ _entities: unknown[] }>(entitiesQuery('User', fields), { representations: [{ __typename: 'User', id: ada }] }, { viewer: { userId: ada, roles: ['LEARNER'] } });
    expect(self.body.data!._entities).toEqual([{ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test', roles: ['LEARNER', 'TRAINER'] }]);
    const admin = await subgraph.request<{ _entities: unknown[] }>(entitiesQuery('User', fields), { representations: [{ __typename: 'User', id: ada }] }, { viewer: { userId: grace, roles: ['ADMIN'] } });
    expect(admin.body.data!._entities).toEqual(self.body.data!._entities);
  });

  it('answers me with null and users with UNAUTHENTICATED when nobody is signed in', async () => {
    const me = await subgraph.request<{ me: unknown }>('{ me { id } }');
    expect(me.body.data!.me).toBeNull();
    const users = await subgraph.request('{ users { totalCount } }');
    expect(users.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await subgraph.request('{ user(id: "1") { id } }');
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
