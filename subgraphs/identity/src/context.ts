import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface IdentityContext extends AuthContext {
  db: Kysely<IdentityDatabase>;
  loaders: Loaders;
  logger: Logger;
}

export function createContext(db: Kysely<IdentityDatabase>, caller: RequestCaller, logger: Logger): IdentityContext {
  return { db, viewer: caller.viewer, caller, loaders: createLoaders(db), logger };
}
