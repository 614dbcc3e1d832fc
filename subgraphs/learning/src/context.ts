import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { LearningDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface LearningContext extends AuthContext {
  db: Kysely<LearningDatabase>;
  /** The analyst figures' reads (read-only): the analytics read replica when one is set, else `db`. */
  figuresDb: Kysely<LearningDatabase>;
  loaders: Loaders;
  logger: Logger;
  /** Below this many distinct users a bucket of a figure is withheld (MIN_GROUP_SIZE). */
  minGroupSize: number;
}

/** A request's context; `databases.figures` serves the analyst figures (see `Database.figures`). */
export function createContext(databases: { db: Kysely<LearningDatabase>; figures: Kysely<LearningDatabase> }, caller: RequestCaller, logger: Logger, minGroupSize: number): LearningContext {
  const { db } = databases;
  return { db, figuresDb: databases.figures, viewer: caller.viewer, caller, loaders: createLoaders(db, caller.viewer), logger, minGroupSize };
}
