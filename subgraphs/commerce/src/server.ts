import { buildSubgraphService, loadTypeDefs, type GraphQLResolverMap, type ServiceOptions } from '@academy/service-kit';
import { createContext, type CommerceContext } from './context.js';
import type { CommerceDatabase } from './db/database.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Builds the commerce subgraph (schema, server, database) without listening. */
export function buildCommerceSubgraph(options: ServiceOptions) {
  return buildSubgraphService<CommerceDatabase, CommerceContext>(
    { name: 'commerce', typeDefs, resolvers: resolvers as GraphQLResolverMap<CommerceContext>, context: createContext },
    options,
  );
}
