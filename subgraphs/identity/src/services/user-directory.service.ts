import { forwardPage, isTimestampCursor, parseId, requireRole, text, toConnection } from '@academy/service-kit';
import type { IdentityContext } from '../context.js';
import type { User } from '../db/database.js';
import type { QueryUserArgs, QueryUsersArgs } from '../generated/graphql.js';
import { findUserPage } from '../repositories/user.repository.js';

/** The signed-in user, or null for nobody. */
export const viewerUser = (ctx: IdentityContext): Promise<User | null> | null =>
  ctx.viewer ? ctx.loaders.userById.load(ctx.viewer.userId) : null;

/** A user by id (null when there is none): public fields for everyone, the rest decided per field. */
export const findUser = (ctx: IdentityContext, args: QueryUserArgs): Promise<User | null> => ctx.loaders.userById.load(parseId(args.id));

/** Every user, newest last, filtered by a name or e-mail prefix and a role (ADMIN only). */
export async function userConnection(ctx: IdentityContext, args: QueryUsersArgs) {
  requireRole(ctx, 'ADMIN');
  const page = forwardPage(args, isTimestampCursor);
  const search = args.search ? text(args.search, 'search', { max: 100 }) : null;
  const result = await findUserPage(ctx.db, { search, role: args.role ?? null, limit: page.limit, after: page.after });
  for (const user of result.rows) ctx.loaders.userById.prime(user.id, user);
  return toConnection({ ...result, limit: page.limit, cursorOf: (u) => [u.created_at_key, u.id], nodeOf: (u): User => u });
}
