import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import { DEFAULT_MIN_GROUP_SIZE } from './config.js';
import type { AiAnalyticsDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** ai-analytics' own settings, fixed at start-up. */
export interface AiAnalyticsSettings {
  /** The fewest distinct users a bucket or funnel step may count and still be shown. */
  minGroupSize: number;
}

/** What every resolver of this subgraph receives, built anew for each request. */
export interface AiAnalyticsContext extends AuthContext {
  db: Kysely<AiAnalyticsDatabase>;
  loaders: Loaders;
  logger: Logger;
  settings: AiAnalyticsSettings;
}

export function createContext(
  db: Kysely<AiAnalyticsDatabase>,
  caller: RequestCaller,
  logger: Logger,
  settings: AiAnalyticsSettings = { minGroupSize: DEFAULT_MIN_GROUP_SIZE },
): AiAnalyticsContext {
  return { db, viewer: caller.viewer, caller, loaders: createLoaders(), logger, settings };
}
