import type { IdentityContext } from '../context.js';
import type { User } from '../db/database.js';
import { findUsersByIds } from '../repositories/user.repository.js';

/**
 * A user as it is now, read past the request's DataLoader (which may hold it from before a
 * change) and put back into it for the rest of the request.
 */
export async function reloadUser(ctx: IdentityContext, id: string): Promise<User> {
  const [user] = await findUsersByIds(ctx.db, [id]);
  if (!user) throw new Error(`user ${id} vanished`);
  ctx.loaders.userById.clear(id).prime(id, user);
  return user;
}
