import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface CommerceContext extends AuthContext {
  db: Kysely<CommerceDatabase>;
  loaders: Loaders;
  logger: Logger;
}

export function createContext(db: Kysely<CommerceDatabase>, caller: RequestCaller, logger: Logger): CommerceContext {
  return { db, viewer: caller.viewer, caller, loaders: createLoaders(db), logger };
}
