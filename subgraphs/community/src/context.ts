import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommunityDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface CommunityContext extends AuthContext {
  db: Kysely<CommunityDatabase>;
  loaders: Loaders;
  logger: Logger;
}

export function createContext(db: Kysely<CommunityDatabase>, caller: RequestCaller, logger: Logger): CommunityContext {
  return { db, viewer: caller.viewer, caller, loaders: createLoaders(db), logger };
}
