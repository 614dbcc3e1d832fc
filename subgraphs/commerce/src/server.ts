import { buildSubgraphService, loadTypeDefs, openServiceResources, type ServiceOptions } from '@academy/service-kit';
import { createContext } from './context.js';
import type { CommerceDatabase } from './db/database.js';
import { resolvers } from './resolvers/index.js';

export {
  publishCoursePriceSet,
  publishOrderCancelled,
  publishOrderPaid,
  publishOrderRefunded,
  type OrderEventItem,
} from './events/published.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export * from './events/published.js';

/** Builds the commerce subgraph (schema, server, database) without listening. */
export function buildCommerceSubgraph(options: ServiceOptions) {
  const resources = openServiceResources<CommerceDatabase>('commerce', options);
  const { db } = resources.database;
  return buildSubgraphService(resources, { typeDefs, resolvers, context: (caller) => createContext(db, caller, resources.logger) });
}
