import { forwardPage, isTimestampCursor, parseId, requireRole, text, toConnection, type Role } from '@academy/service-kit';
import type { IdentityContext } from '../context.js';
import { findUserPage } from '../repositories/user.repository.js';

export const Query = {
  me: (_: unknown, _args: unknown, ctx: IdentityContext) => (ctx.viewer ? ctx.loaders.userById.load(ctx.viewer.userId) : null),

  user: (_: unknown, args: { id: string }, ctx: IdentityContext) => ctx.loaders.userById.load(parseId(args.id)),

  async users(
    _: unknown,
    args: { first?: number | null; after?: string | null; search?: string | null; role?: Role | null },
    ctx: IdentityContext,
  ) {
    requireRole(ctx, 'ADMIN');
    const page = forwardPage(args, isTimestampCursor);
    const search = args.search ? text(args.search, 'search', { max: 100 }) : null;
    const result = await findUserPage(ctx.db, { search, role: args.role ?? null, limit: page.limit, after: page.after });
    for (const user of result.rows) ctx.loaders.userById.prime(user.id, user);
    return toConnection({
      rows: result.rows,
      limit: page.limit,
      totalCount: result.totalCount,
      hasPreviousPage: result.hasPreviousPage,
      cursorOf: (u) => [u.created_at_key, u.id],
      nodeOf: (u) => u,
    });
  },
};
