import { buildSubgraphService, loadTypeDefs, type GraphQLResolverMap, type ServiceOptions } from '@academy/service-kit';
import { createContext, type AiAnalyticsContext } from './context.js';
import type { AiAnalyticsDatabase } from './db/database.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Builds the ai-analytics subgraph (schema, server, database) without listening. */
export function buildAiAnalyticsSubgraph(options: ServiceOptions) {
  return buildSubgraphService<AiAnalyticsDatabase, AiAnalyticsContext>(
    { name: 'ai-analytics', typeDefs, resolvers: resolvers as GraphQLResolverMap<AiAnalyticsContext>, context: createContext },
    options,
  );
}
