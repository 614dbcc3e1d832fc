import type { Role } from '@academy/service-kit';
import type { IdentityContext } from '../context.js';
import { updateMyProfile, type UpdateProfileInput } from '../services/profile.service.js';
import { requestPasswordReset, resetPassword } from '../services/password-reset.service.js';
import { grantRole, revokeRole } from '../services/role.service.js';
import { logIn, logOut, refreshSession, signUp, type SignUpInput } from '../services/session.service.js';

export const Mutation = {
  signUp: (_: unknown, args: { input: SignUpInput }, ctx: IdentityContext) => signUp(ctx, args.input),
  logIn: (_: unknown, args: { email: string; password: string }, ctx: IdentityContext) => logIn(ctx, args),
  refreshSession: (_: unknown, args: { refreshToken: string }, ctx: IdentityContext) => refreshSession(ctx, args.refreshToken),
  logOut: (_: unknown, args: { refreshToken: string }, ctx: IdentityContext) => logOut(ctx, args.refreshToken),
  requestPasswordReset: (_: unknown, args: { email: string }, ctx: IdentityContext) => requestPasswordReset(ctx, args),
  resetPassword: (_: unknown, args: { token: string; newPassword: string }, ctx: IdentityContext) => resetPassword(ctx, args),
  updateMyProfile: (_: unknown, args: { input: UpdateProfileInput }, ctx: IdentityContext) => updateMyProfile(ctx, args.input),
  grantRole: (_: unknown, args: { userId: string; role: Role }, ctx: IdentityContext) => grantRole(ctx, args),
  revokeRole: (_: unknown, args: { userId: string; role: Role }, ctx: IdentityContext) => revokeRole(ctx, args),
};
