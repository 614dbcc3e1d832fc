import { keysetPage, type Role } from '@academy/service-kit';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { IdentityDatabase, NewUser, User, UserUpdate } from '../db/database.js';

type Db = Kysely<IdentityDatabase> | Transaction<IdentityDatabase>;

const PUBLIC_COLUMNS = [
  'u.id', 'u.email', 'u.first_name', 'u.last_name', 'u.display_name', 'u.avatar_url', 'u.bio', 'u.timezone',
  'u.language', 'u.created_at', 'u.updated_at',
] as const satisfies readonly `u.${keyof User}`[];

/** Users by id, with their roles, in one statement. */
export async function findUsersByIds(db: Db, ids: readonly string[]): Promise<User[]> {
  return db
    .selectFrom('identity.users as u')
    .select(PUBLIC_COLUMNS)
    .select(
      sql<Role[]>`coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM identity.user_roles r WHERE r.user_id = u.id), '{}')`.as('roles'),
    )
    .where('u.id', '=', sql<string>`ANY(${ids}::uuid[])`)
    .execute();
}

export type UserCursor = [string, string];

export interface UserPage {
  /** Each with its cursor's time at full precision. */
  rows: (User & { created_at_key: string })[];
  totalCount: number;
  hasPreviousPage: boolean;
}

/** A page of users by creation time, filtered by a name/e-mail prefix and a role; one statement. */
export async function findUserPage(
  db: Kysely<IdentityDatabase>,
  query: { search: string | null; role: Role | null; limit: number; after: UserCursor | null },
): Promise<UserPage> {
  const conditions = [sql`true`];
  if (query.search) {
    const prefix = `${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      sql`(u.email LIKE ${prefix} OR lower(u.display_name) LIKE ${prefix} OR lower(u.first_name) LIKE ${prefix} OR lower(u.last_name) LIKE ${prefix})`,
    );
  }
  if (query.role) conditions.push(sql`EXISTS (SELECT 1 FROM identity.user_roles r WHERE r.user_id = u.id AND r.role = ${query.role})`);
  return keysetPage<User & { created_at_key: string }>(db, {
    filtered: sql`
      SELECT ${sql.join(PUBLIC_COLUMNS.map((c) => sql.ref(c)))},
        coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM identity.user_roles r WHERE r.user_id = u.id), '{}') AS roles,
        u.created_at::text AS created_at_key
      FROM identity.users u
      WHERE ${sql.join(conditions, sql` AND `)}`,
    sortColumn: 'created_at',
    after: query.after ? sql`(${query.after[0]}::timestamptz, ${query.after[1]}::uuid)` : null,
    limit: query.limit,
  });
}

/** What logIn and password resets need of an account, by its normalised e-mail address. */
export interface UserCredentials {
  id: string;
  email: string;
  password_hash: string | null;
}

export async function findCredentialsByEmail(db: Db, email: string): Promise<UserCredentials | undefined> {
  return db.selectFrom('identity.users').select(['id', 'email', 'password_hash']).where('email', '=', email).executeTakeFirst();
}

/** Inserts a user unless the address is taken; the new id and creation time, or undefined when it was. */
export async function insertUserUnlessEmailTaken(db: Db, user: NewUser): Promise<{ id: string; created_at: Date } | undefined> {
  return db
    .insertInto('identity.users')
    .values(user)
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(['id', 'created_at'])
    .executeTakeFirst();
}

/**
 * Locks a user's row against concurrent profile and role changes; its names, or undefined when
 * there is no such user. NO KEY UPDATE: rows referring to the user (new sessions) may still be
 * inserted meanwhile.
 */
export async function lockUser(db: Transaction<IdentityDatabase>, id: string) {
  return db.selectFrom('identity.users').select(['id', 'first_name', 'last_name']).where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

/** Changes profile columns (and updated_at). */
export async function updateUser(db: Db, id: string, changes: UserUpdate): Promise<void> {
  await db
    .updateTable('identity.users')
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Grants roles a user does not hold yet; the roles actually added. */
export async function addUserRoles(db: Db, userId: string, roles: readonly Role[], grantedBy: string | null): Promise<Role[]> {
  if (roles.length === 0) return [];
  const rows = await db
    .insertInto('identity.user_roles')
    .values(roles.map((role) => ({ user_id: userId, role, granted_by: grantedBy })))
    .onConflict((oc) => oc.columns(['user_id', 'role']).doNothing())
    .returning('role')
    .execute();
  return rows.map((r) => r.role);
}

/** Takes a role from a user; whether they held it. */
export async function removeUserRole(db: Db, userId: string, role: Role): Promise<boolean> {
  const result = await db.deleteFrom('identity.user_roles').where('user_id', '=', userId).where('role', '=', role).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * The holders of `role`, their rows locked: two admins revoking each other's ADMIN at once
 * then take turns, and the second sees what the first left.
 */
export async function lockRoleHolders(db: Transaction<IdentityDatabase>, role: Role): Promise<string[]> {
  // In one order, so that two transactions locking them cannot deadlock.
  const rows = await db.selectFrom('identity.user_roles').select('user_id').where('role', '=', role).orderBy('user_id').forUpdate().execute();
  return rows.map((r) => r.user_id);
}
