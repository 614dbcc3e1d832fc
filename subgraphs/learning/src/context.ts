import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { LearningDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface LearningContext extends AuthContext {
  db: Kysely<LearningDatabase>;
  loaders: Loaders;
  logger: Logger;
  /** Below this many distinct users a bucket of a figure is withheld (MIN_GROUP_SIZE). */
  minGroupSize: number;
}

export function createContext(db: Kysely<LearningDatabase>, caller: RequestCaller, logger: Logger, minGroupSize: number): LearningContext {
  return { db, viewer: caller.viewer, caller, loaders: createLoaders(db, caller.viewer), logger, minGroupSize };
}
