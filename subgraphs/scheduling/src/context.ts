import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { SchedulingDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** Settings of the scheduling process that its services need. */
export interface SchedulingSettings {
  /** Base URL of coaching meeting rooms. */
  meetingBaseUrl: string;
  /** How long a seat of a priced session is held for payment. */
  seatHoldMinutes: number;
  /** Below this many distinct users a bucket of a figure is withheld (MIN_GROUP_SIZE). */
  minGroupSize: number;
}

/** What every resolver of this subgraph receives, built anew for each request. */
export interface SchedulingContext extends AuthContext {
  db: Kysely<SchedulingDatabase>;
  /** The analyst figures' reads (read-only): the analytics read replica when one is set, else `db`. */
  figuresDb: Kysely<SchedulingDatabase>;
  loaders: Loaders;
  logger: Logger;
  settings: SchedulingSettings;
}

/** A request's context; `databases.figures` serves the analyst figures (see `Database.figures`). */
export function createContext(
  databases: { db: Kysely<SchedulingDatabase>; figures: Kysely<SchedulingDatabase> },
  caller: RequestCaller,
  logger: Logger,
  settings: SchedulingSettings,
): SchedulingContext {
  const { db } = databases;
  return { db, figuresDb: databases.figures, viewer: caller.viewer, caller, loaders: createLoaders(db, caller.viewer), logger, settings };
}
