import { buildSubgraphService, loadTypeDefs, type GraphQLResolverMap, type ServiceOptions } from '@academy/service-kit';
import { createContext, type SchedulingContext } from './context.js';
import type { SchedulingDatabase } from './db/database.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Builds the scheduling subgraph (schema, server, database) without listening. */
export function buildSchedulingSubgraph(options: ServiceOptions) {
  return buildSubgraphService<SchedulingDatabase, SchedulingContext>(
    { name: 'scheduling', typeDefs, resolvers: resolvers as GraphQLResolverMap<SchedulingContext>, context: createContext },
    options,
  );
}
