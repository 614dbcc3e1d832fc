import { isSelfOrRole } from '@academy/service-kit';
import type { IdentityContext } from '../context.js';
import type { User as UserRow } from '../db/database.js';

/** Whether the viewer may see the private part of `u`'s profile: the user (also right after signing in) and ADMIN. */
const mayReadPrivate = (u: UserRow, ctx: IdentityContext) => isSelfOrRole(ctx, u.id, 'ADMIN') || ctx.signedInUserIds.has(u.id);

/** A private field: its value for the user and ADMIN, null for everyone else. */
const privateField =
  <K extends keyof UserRow>(column: K) =>
  (u: UserRow, _: unknown, ctx: IdentityContext) =>
    mayReadPrivate(u, ctx) ? u[column] : null;

export const User = {
  __resolveReference: (ref: { id: string }, ctx: IdentityContext) => ctx.loaders.userById.load(ref.id),
  email: privateField('email'),
  firstName: privateField('first_name'),
  lastName: privateField('last_name'),
  timezone: privateField('timezone'),
  language: privateField('language'),
  /** Roles tell who administers the platform: not something to show to everyone. */
  roles: (u: UserRow, _: unknown, ctx: IdentityContext) => (mayReadPrivate(u, ctx) ? u.roles : []),
  displayName: (u: UserRow) => u.display_name,
  avatarUrl: (u: UserRow) => u.avatar_url,
  createdAt: (u: UserRow) => u.created_at,
};
