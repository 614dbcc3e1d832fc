import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Viewer } from '@academy/service-kit';
import { codes, signUp, startIdentity, uniqueEmail, viewerOf, type TestIdentity } from './support/identity.js';

let identity: TestIdentity;
let admin: Viewer;
let learner: Viewer;

beforeAll(async () => {
  identity = await startIdentity();
  const first = await signUp(identity, { email: uniqueEmail('admin'), firstName: 'Ada', lastName: 'Admin' });
  await identity.sql(`INSERT INTO identity.user_roles (user_id, role) VALUES ($1, 'ADMIN')`, [first.user.id]);
  admin = { userId: first.user.id, roles: ['LEARNER', 'ADMIN'] };
  learner = viewerOf(await signUp(identity, { email: uniqueEmail('learner'), firstName: 'Lee', lastName: 'Learner' }));
});
afterAll(async () => {
  await identity?.stop();
});

const PROFILE = 'id firstName lastName displayName avatarUrl bio timezone language';
const update = (input: Record<string, unknown>, viewer: Viewer | null) =>
  identity.subgraph.request<{ updateMyProfile: Record<string, unknown> }>(
    `mutation($i: UpdateProfileInput!) { updateMyProfile(input: $i) { ${PROFILE} } }`,
    { i: input },
    { viewer },
  );

const rolesOf = async (userId: string) =>
  (await identity.sql<{ role: string }>('SELECT role FROM identity.user_roles WHERE user_id = $1 ORDER BY role', [userId])).map((r) => r.role);

describe('updateMyProfile', () => {
  it('changes the viewer’s own profile, normalising what it stores', async () => {
    const { body } = await update(
      { firstName: '  Grace ', avatarUrl: 'https://img.example/grace.png', bio: '  Rear admiral.  ', timezone: 'america/new_york', language: 'en-us' },
      learner,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.updateMyProfile).toEqual({
      id: learner.userId,
      firstName: 'Grace',
      lastName: 'Learner',
      displayName: 'Grace Learner',
      avatarUrl: 'https://img.example/grace.png',
      bio: 'Rear admiral.',
      timezone: 'America/New_York',
      language: 'en-US',
    });
    // Left out: unchanged; null: removed (names stay).
    const cleared = await update({ bio: null, avatarUrl: '', firstName: null }, learner);
    expect(cleared.body.data!.updateMyProfile).toMatchObject({ firstName: 'Grace', bio: null, avatarUrl: null, timezone: 'America/New_York' });
  });

  it('refuses invalid values with BAD_USER_INPUT and changes nothing', async () => {
    const before = await identity.sql('SELECT * FROM identity.users WHERE id = $1', [learner.userId]);
    const invalid: [Record<string, unknown>, string][] = [
      [{ firstName: '' }, 'firstName'],
      [{ lastName: 'x'.repeat(101) }, 'lastName'],
      [{ firstName: 'Tab\there' }, 'firstName'],
      [{ avatarUrl: 'http://img.example/a.png' }, 'avatarUrl'],
      [{ avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
      [{ avatarUrl: `https://img.example/${'a'.repeat(2048)}` }, 'avatarUrl'],
      [{ avatarUrl: 'https://user:pw@img.example/a.png' }, 'avatarUrl'],
      [{ bio: 'b'.repeat(2001) }, 'bio'],
      [{ timezone: 'Mars/Olympus_Mons' }, 'timezone'],
      [{ timezone: '+01:00' }, 'timezone'],
      [{ language: 'english please' }, 'language'],
      [{ language: 'en_GB' }, 'language'],
      [{ bio: 'fine', language: '12' }, 'language'],
    ];
    for (const [input, field] of invalid) {
      const { body } = await update(input, learner);
      expect([input, codes(body), (body.errors?.[0]?.extensions as { field?: string } | undefined)?.field]).toEqual([input, ['BAD_USER_INPUT'], field]);
    }
    expect(await identity.sql('SELECT * FROM identity.users WHERE id = $1', [learner.userId])).toEqual(before);
  });

  it('needs a signed-in viewer', async () => {
    expect(codes((await update({ bio: 'x' }, null)).body)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('grantRole and revokeRole', () => {
  const grant = (userId: string, role: string, viewer: Viewer | null) =>
    identity.subgraph.request<{ grantRole: { roles: string[] } }>('mutation($u: ID!, $r: Role!) { grantRole(userId: $u, role: $r) { roles } }', { u: userId, r: role }, { viewer });
  const revoke = (userId: string, role: string, viewer: Viewer | null) =>
    identity.subgraph.request<{ revokeRole: { roles: string[] } }>('mutation($u: ID!, $r: Role!) { revokeRole(userId: $u, role: $r) { roles } }', { u: userId, r: role }, { viewer });

  it('lets an ADMIN grant and revoke roles, recording both in the audit log', async () => {
    const granted = await grant(learner.userId, 'TRAINER', admin);
    expect(granted.body.data!.grantRole.roles).toEqual(['LEARNER', 'TRAINER']);
    expect((await grant(learner.userId, 'TRAINER', admin)).body.data!.grantRole.roles).toEqual(['LEARNER', 'TRAINER']);
    const revoked = await revoke(learner.userId, 'TRAINER', admin);
    expect(revoked.body.data!.revokeRole.roles).toEqual(['LEARNER']);
    expect(await rolesOf(learner.userId)).toEqual(['LEARNER']);
    const audit = await identity.sql<{ action: string; actor_user_id: string; details: unknown }>(
      `SELECT action, actor_user_id, details FROM identity.audit_log WHERE subject_user_id = $1 AND action LIKE 'role.%' ORDER BY id`,
      [learner.userId],
    );
    expect(audit).toEqual([
      { action: 'role.granted', actor_user_id: admin.userId, details: { role: 'TRAINER' } },
      { action: 'role.revoked', actor_user_id: admin.userId, details: { role: 'TRAINER' } },
    ]);
  });

  it('refuses everyone but ADMIN, changing nothing', async () => {
    const before = await identity.sql('SELECT * FROM identity.user_roles ORDER BY user_id, role');
    expect(codes((await grant(learner.userId, 'ADMIN', learner)).body)).toEqual(['FORBIDDEN']);
    expect(codes((await revoke(admin.userId, 'ADMIN', learner)).body)).toEqual(['FORBIDDEN']);
    expect(codes((await grant(learner.userId, 'ADMIN', { userId: learner.userId, roles: ['TRAINER', 'ANALYST'] })).body)).toEqual(['FORBIDDEN']);
    expect(codes((await grant(learner.userId, 'ADMIN', null)).body)).toEqual(['UNAUTHENTICATED']);
    expect(await identity.sql('SELECT * FROM identity.user_roles ORDER BY user_id, role')).toEqual(before);
    expect(await identity.sql(`SELECT 1 FROM identity.audit_log WHERE action LIKE 'role.%' AND actor_user_id = $1`, [learner.userId])).toHaveLength(0);
  });

  it('answers NOT_FOUND for an unknown user and BAD_USER_INPUT for a malformed ID', async () => {
    expect(codes((await grant('00000000-0000-4000-8000-000000000000', 'TRAINER', admin)).body)).toEqual(['NOT_FOUND']);
    expect(codes((await grant('nope', 'TRAINER', admin)).body)).toEqual(['BAD_USER_INPUT']);
  });

  it('keeps the last ADMIN’s ADMIN role, even against concurrent revokes', async () => {
    expect(codes((await revoke(admin.userId, 'ADMIN', admin)).body)).toEqual(['CONFLICT']);
    expect(await rolesOf(admin.userId)).toEqual(['ADMIN', 'LEARNER']);

    const second = viewerOf(await signUp(identity, { email: uniqueEmail('second-admin') }));
    await grant(second.userId, 'ADMIN', admin);
    const secondAdmin: Viewer = { userId: second.userId, roles: ['ADMIN'] };
    // Each revokes the other at once: exactly one wins, an ADMIN is left.
    const results = await Promise.all([revoke(second.userId, 'ADMIN', admin), revoke(admin.userId, 'ADMIN', secondAdmin)]);
    expect(results.flatMap((r) => codes(r.body))).toEqual(['CONFLICT']);
    const admins = await identity.sql(`SELECT user_id FROM identity.user_roles WHERE role = 'ADMIN'`);
    expect(admins).toHaveLength(1);
  });
});

describe('user queries', () => {
  it('shows public profile fields to anyone, e-mail only to the user and ADMIN, and users only to ADMIN', async () => {
    const query = 'query($id: ID!) { user(id: $id) { id displayName email } }';
    const anonymous = await identity.subgraph.request<{ user: { email: string | null } }>(query, { id: learner.userId });
    expect(anonymous.body.data!.user).toMatchObject({ id: learner.userId, email: null });
    const self = await identity.subgraph.request<{ user: { email: string | null } }>(query, { id: learner.userId }, { viewer: learner });
    expect(self.body.data!.user.email).toMatch(/@example\.test$/);
    const byAdmin = await identity.subgraph.request<{ user: { email: string | null } }>(query, { id: learner.userId }, { viewer: admin });
    expect(byAdmin.body.data!.user.email).toBe(self.body.data!.user.email);
    expect(codes((await identity.subgraph.request('{ users { totalCount } }', {}, { viewer: learner })).body)).toEqual(['FORBIDDEN']);
    const users = await identity.subgraph.request<{ users: { totalCount: number } }>('{ users { totalCount } }', {}, { viewer: admin });
    expect(users.body.data!.users.totalCount).toBeGreaterThanOrEqual(2);
  });
});
