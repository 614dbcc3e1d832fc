import { isSelfOrRole } from '@academy/service-kit';
import type { IdentityContext } from '../context.js';
import type { User as UserRow } from '../db/database.js';

export const User = {
  __resolveReference: (ref: { id: string }, ctx: IdentityContext) => ctx.loaders.userById.load(ref.id),
  /** Only the user (also right after signing in) and ADMIN see the address. */
  email: (u: UserRow, _: unknown, ctx: IdentityContext) =>
    isSelfOrRole(ctx, u.id, 'ADMIN') || ctx.signedInUserIds.has(u.id) ? u.email : null,
  firstName: (u: UserRow) => u.first_name,
  lastName: (u: UserRow) => u.last_name,
  displayName: (u: UserRow) => u.display_name,
  avatarUrl: (u: UserRow) => u.avatar_url,
  createdAt: (u: UserRow) => u.created_at,
};
