import { buildSubgraphService, loadTypeDefs, openServiceResources, type ServiceOptions } from '@academy/service-kit';
import { createContext } from './context.js';
import type { SchedulingDatabase } from './db/database.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Builds the scheduling subgraph (schema, server, database) without listening. */
export function buildSchedulingSubgraph(options: ServiceOptions) {
  const resources = openServiceResources<SchedulingDatabase>('scheduling', options);
  const { db } = resources.database;
  return buildSubgraphService(resources, { typeDefs, resolvers, context: (caller) => createContext(db, caller, resources.logger) });
}
