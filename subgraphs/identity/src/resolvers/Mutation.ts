import type { MutationResolvers } from '../generated/graphql.js';
import { createPartnerClient, revokePartnerClient, rotatePartnerClientSecret } from '../services/partner-client.service.js';
import { requestPasswordReset, resetPassword } from '../services/password-reset.service.js';
import { updateMyProfile } from '../services/profile.service.js';
import { grantRole, revokeRole } from '../services/role.service.js';
import { logIn, logOut, refreshSession, signUp } from '../services/session.service.js';

export const Mutation: MutationResolvers = {
  signUp: (_, args, ctx) => signUp(ctx, args.input),
  logIn: (_, args, ctx) => logIn(ctx, args),
  refreshSession: (_, args, ctx) => refreshSession(ctx, args.refreshToken),
  logOut: (_, args, ctx) => logOut(ctx, args.refreshToken),
  requestPasswordReset: (_, args, ctx) => requestPasswordReset(ctx, args),
  resetPassword: (_, args, ctx) => resetPassword(ctx, args),
  updateMyProfile: (_, args, ctx) => updateMyProfile(ctx, args.input),
  grantRole: (_, args, ctx) => grantRole(ctx, args),
  revokeRole: (_, args, ctx) => revokeRole(ctx, args),
  createPartnerClient: (_, args, ctx) => createPartnerClient(ctx, args),
  rotatePartnerClientSecret: (_, args, ctx) => rotatePartnerClientSecret(ctx, args),
  revokePartnerClient: (_, args, ctx) => revokePartnerClient(ctx, args),
};
