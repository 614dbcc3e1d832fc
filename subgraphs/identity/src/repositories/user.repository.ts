import type { Role } from '@academy/service-kit';
import { sql, type Kysely } from 'kysely';
import type { IdentityDatabase, User } from '../db/database.js';

const PUBLIC_COLUMNS = [
  'u.id', 'u.email', 'u.first_name', 'u.last_name', 'u.display_name', 'u.avatar_url', 'u.bio', 'u.timezone',
  'u.language', 'u.created_at', 'u.updated_at',
] as const;

/** Users by id, with their roles, in one statement. */
export async function findUsersByIds(db: Kysely<IdentityDatabase>, ids: readonly string[]): Promise<User[]> {
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
  const cursor = query.after ? sql`(${query.after[0]}::timestamptz, ${query.after[1]}::uuid)` : null;
  const result = await sql<User & { created_at_key: string; total_count: number; has_previous: boolean }>`
    WITH filtered AS (
      SELECT ${sql.join(PUBLIC_COLUMNS.map((c) => sql.ref(c)))},
        coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM identity.user_roles r WHERE r.user_id = u.id), '{}') AS roles,
        u.created_at::text AS created_at_key
      FROM identity.users u
      WHERE ${sql.join(conditions, sql` AND `)}
    )
    SELECT (SELECT count(*) FROM filtered)::int AS total_count,
      ${cursor ? sql`EXISTS (SELECT 1 FROM filtered f WHERE (f.created_at, f.id) <= ${cursor})` : sql`false`} AS has_previous,
      page.*
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT f.* FROM filtered f
      WHERE ${cursor ? sql`(f.created_at, f.id) > ${cursor}` : sql`true`}
      ORDER BY f.created_at, f.id
      LIMIT ${query.limit + 1}
    ) page ON true`.execute(db);
  const first = result.rows[0];
  return {
    rows: result.rows.filter((r) => r.id !== null).map(({ total_count: _t, has_previous: _h, ...user }) => user),
    totalCount: first?.total_count ?? 0,
    hasPreviousPage: first?.has_previous ?? false,
  };
}
