import type { UserResolvers } from '../generated/graphql.js';
import { privateProfileField, visibleRoles } from '../services/profile.service.js';

export const User: UserResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.userById.load(ref.id),
  email: privateProfileField('email'),
  firstName: privateProfileField('first_name'),
  lastName: privateProfileField('last_name'),
  timezone: privateProfileField('timezone'),
  language: privateProfileField('language'),
  roles: (u, _, ctx) => visibleRoles(ctx, u),
  displayName: (u) => u.display_name,
  avatarUrl: (u) => u.avatar_url,
  createdAt: (u) => u.created_at,
};
