import { buildSubgraphService, loadTypeDefs, openServiceResources, type ServiceOptions } from '@academy/service-kit';
import { DEFAULT_MEETING_BASE_URL } from './config.js';
import { createContext } from './context.js';
import type { SchedulingDatabase } from './db/database.js';
import { resolvers } from './resolvers/index.js';

export { loadSchedulingConfig, SCHEDULING_DEFAULT_PORT, schedulingConfigSchema, type SchedulingConfig } from './config.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** What scheduling is built with: the common service options and its own settings. */
export interface SchedulingServiceOptions extends ServiceOptions {
  /** Base URL of coaching meeting rooms (default: DEFAULT_MEETING_BASE_URL). */
  meetingBaseUrl?: string;
}

/** Builds the scheduling subgraph (schema, server, database) without listening. */
export function buildSchedulingSubgraph(options: SchedulingServiceOptions) {
  const resources = openServiceResources<SchedulingDatabase>('scheduling', options);
  const { db } = resources.database;
  const settings = { meetingBaseUrl: options.meetingBaseUrl ?? DEFAULT_MEETING_BASE_URL };
  return buildSubgraphService(resources, { typeDefs, resolvers, context: (caller) => createContext(db, caller, resources.logger, settings) });
}
