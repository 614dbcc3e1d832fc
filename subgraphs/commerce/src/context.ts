import type { AuthContext, Logger, Viewer } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface CommerceContext extends AuthContext {
  db: Kysely<CommerceDatabase>;
  loaders: Loaders;
  logger: Logger;
}

export function createContext(db: Kysely<CommerceDatabase>, viewer: Viewer | null, logger: Logger): CommerceContext {
  return { db, viewer, loaders: createLoaders(db), logger };
}
