import type { QueryResolvers } from '../generated/graphql.js';
import { partnerClients } from '../services/partner-client.service.js';
import { findUser, userConnection, viewerUser } from '../services/user-directory.service.js';

export const Query: QueryResolvers = {
  me: (_, _args, ctx) => viewerUser(ctx),
  user: (_, args, ctx) => findUser(ctx, args),
  users: (_, args, ctx) => userConnection(ctx, args),
  partnerClients: (_, _args, ctx) => partnerClients(ctx),
};
