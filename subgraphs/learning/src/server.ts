import { buildSubgraphService, loadTypeDefs, type GraphQLResolverMap, type ServiceOptions } from '@academy/service-kit';
import { createContext, type LearningContext } from './context.js';
import type { LearningDatabase } from './db/database.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Builds the learning subgraph (schema, server, database) without listening. */
export function buildLearningSubgraph(options: ServiceOptions) {
  return buildSubgraphService<LearningDatabase, LearningContext>(
    { name: 'learning', typeDefs, resolvers: resolvers as GraphQLResolverMap<LearningContext>, context: createContext },
    options,
  );
}
