import { isSelfOrRole, requireViewer, unauthenticated } from '@academy/service-kit';
import type { IdentityContext } from '../context.js';
import type { Role, User, UserUpdate } from '../db/database.js';
import type { UpdateProfileInput } from '../generated/graphql.js';
import { lockUser, updateUser } from '../repositories/user.repository.js';
import { displayNameOf, parseAvatarUrl, parseBio, parseLanguage, parseName, parseTimezone } from '../validation.js';
import { reloadUser } from './user-loading.js';

/** Whether the viewer may see the private part of `user`'s profile: the user (also right after signing in) and ADMIN. */
const mayReadPrivate = (ctx: IdentityContext, user: User) => isSelfOrRole(ctx, user.id, 'ADMIN') || ctx.signedInUserIds.has(user.id);

/** A private field of the profile: its value for the user and ADMIN, null for everyone else. */
export const privateProfileField =
  <K extends keyof User>(column: K) =>
  (user: User, _args: unknown, ctx: IdentityContext): User[K] | null =>
    mayReadPrivate(ctx, user) ? user[column] : null;

/** Roles tell who administers the platform: shown to the user and ADMIN, an empty list to everyone else. */
export const visibleRoles = (ctx: IdentityContext, user: User): Role[] => (mayReadPrivate(ctx, user) ? user.roles : []);

/** null or blank removes an optional field; otherwise `parse` validates it. */
function optional(value: string | null | undefined, parse: (value: string) => string): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === '') return null;
  return parse(value);
}

/**
 * Changes the signed-in user's own profile. Names cannot be removed (null leaves them as they
 * are); the display name follows them. A field the input leaves out stays as it is.
 */
export async function updateMyProfile(ctx: IdentityContext, input: UpdateProfileInput): Promise<User> {
  const viewer = requireViewer(ctx);
  // Everything is validated before anything is written.
  const firstName = input.firstName == null ? undefined : parseName(input.firstName, 'firstName');
  const lastName = input.lastName == null ? undefined : parseName(input.lastName, 'lastName');
  const changes: UserUpdate = {
    avatar_url: optional(input.avatarUrl, (v) => parseAvatarUrl(v)),
    bio: optional(input.bio, (v) => parseBio(v)),
    timezone: optional(input.timezone, (v) => parseTimezone(v)),
    language: optional(input.language, (v) => parseLanguage(v)),
  };
  await ctx.db.transaction().execute(async (trx) => {
    const current = await lockUser(trx, viewer.userId);
    if (!current) throw unauthenticated('Your account no longer exists.');
    if (firstName !== undefined || lastName !== undefined) {
      const first = firstName ?? current.first_name ?? '';
      const last = lastName ?? current.last_name ?? '';
      Object.assign(changes, { first_name: first || null, last_name: last || null, display_name: displayNameOf(first, last) });
    }
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(defined).length > 0) await updateUser(trx, viewer.userId, defined);
  });
  return reloadUser(ctx, viewer.userId);
}
