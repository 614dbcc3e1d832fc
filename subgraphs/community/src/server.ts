import { buildSubgraphService, loadTypeDefs, type GraphQLResolverMap, type ServiceOptions } from '@academy/service-kit';
import { createContext, type CommunityContext } from './context.js';
import type { CommunityDatabase } from './db/database.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Builds the community subgraph (schema, server, database) without listening. */
export function buildCommunitySubgraph(options: ServiceOptions) {
  return buildSubgraphService<CommunityDatabase, CommunityContext>(
    { name: 'community', typeDefs, resolvers: resolvers as GraphQLResolverMap<CommunityContext>, context: createContext },
    options,
  );
}
