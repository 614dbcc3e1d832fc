import { buildSubgraphService, loadTypeDefs, type GraphQLResolverMap, type ServiceOptions } from '@academy/service-kit';
import { createContext, type IdentityContext } from './context.js';
import type { IdentityDatabase } from './db/database.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Builds the identity subgraph (schema, server, database) without listening. */
export function buildIdentitySubgraph(options: ServiceOptions) {
  return buildSubgraphService<IdentityDatabase, IdentityContext>(
    { name: 'identity', typeDefs, resolvers: resolvers as GraphQLResolverMap<IdentityContext>, context: createContext },
    options,
  );
}
