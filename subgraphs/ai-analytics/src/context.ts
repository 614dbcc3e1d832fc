import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { AiAnalyticsDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { AssistantRuntime } from './services/assistant.service.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface AiAnalyticsContext extends AuthContext {
  db: Kysely<AiAnalyticsDatabase>;
  loaders: Loaders;
  logger: Logger;
  /** The model and its settings (cost, quotas). */
  assistant: AssistantRuntime;
}

export function createContext(db: Kysely<AiAnalyticsDatabase>, caller: RequestCaller, logger: Logger, assistant: AssistantRuntime): AiAnalyticsContext {
  return { db, viewer: caller.viewer, caller, loaders: createLoaders(db), logger, assistant };
}
