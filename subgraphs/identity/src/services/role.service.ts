import { conflict, notFound, parseId, requireRole } from '@academy/service-kit';
import type { IdentityContext } from '../context.js';
import type { User } from '../db/database.js';
import type { MutationGrantRoleArgs, MutationRevokeRoleArgs } from '../generated/graphql.js';
import { appendAuditEntry } from '../repositories/audit-log.repository.js';
import { addUserRoles, lockRoleHolders, lockUser, removeUserRole } from '../repositories/user.repository.js';
import { reloadUser } from './user-loading.js';

/**
 * Gives a user a role (ADMIN only). Granting a role the user holds already changes nothing.
 * The user's access tokens carry the new roles from their next refresh.
 */
export async function grantRole(ctx: IdentityContext, args: MutationGrantRoleArgs): Promise<User> {
  const admin = requireRole(ctx, 'ADMIN');
  const userId = parseId(args.userId, 'userId');
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await lockUser(trx, userId))) throw notFound('There is no user with this ID.');
    const added = await addUserRoles(trx, userId, [args.role], admin.userId);
    if (added.length > 0) {
      await appendAuditEntry(trx, {
        action: 'role.granted',
        actorUserId: admin.userId,
        subjectUserId: userId,
        clientAddress: ctx.caller.clientAddress,
        details: { role: args.role },
      });
    }
  });
  return reloadUser(ctx, userId);
}

/**
 * Takes a role from a user (ADMIN only); CONFLICT when that would leave the platform without
 * an ADMIN. Revoking a role the user does not hold changes nothing.
 */
export async function revokeRole(ctx: IdentityContext, args: MutationRevokeRoleArgs): Promise<User> {
  const admin = requireRole(ctx, 'ADMIN');
  const userId = parseId(args.userId, 'userId');
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await lockUser(trx, userId))) throw notFound('There is no user with this ID.');
    if (args.role === 'ADMIN') {
      const admins = await lockRoleHolders(trx, 'ADMIN');
      if (admins.length === 1 && admins[0] === userId) throw conflict('This is the last ADMIN: grant ADMIN to someone else first.');
    }
    if (await removeUserRole(trx, userId, args.role)) {
      await appendAuditEntry(trx, {
        action: 'role.revoked',
        actorUserId: admin.userId,
        subjectUserId: userId,
        clientAddress: ctx.caller.clientAddress,
        details: { role: args.role },
      });
    }
  });
  return reloadUser(ctx, userId);
}
