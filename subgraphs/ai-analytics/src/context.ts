import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { AiAnalyticsDatabase } from './db/database.js';
import type { EventTaskGenerator } from './generation/event-task-generator.js';
import type { TipGenerator } from './generation/tip-generator.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { AssistantRuntime } from './services/assistant.service.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface AiAnalyticsContext extends AuthContext {
  db: Kysely<AiAnalyticsDatabase>;
  loaders: Loaders;
  logger: Logger;
  /** Writes coaching tips. */
  tipGenerator: TipGenerator;
  /** Proposes tasks for events. */
  eventTaskGenerator: EventTaskGenerator;
  /** The model and its settings (cost, quotas). */
  assistant: AssistantRuntime;
}

/** The generators the subgraph writes with, chosen once when it is built. */
export interface Generators {
  tipGenerator: TipGenerator;
  eventTaskGenerator: EventTaskGenerator;
}

export function createContext(
  db: Kysely<AiAnalyticsDatabase>,
  caller: RequestCaller,
  logger: Logger,
  generators: Generators,
  assistant: AssistantRuntime,
): AiAnalyticsContext {
  return { db, viewer: caller.viewer, caller, loaders: createLoaders(db), logger, ...generators, assistant };
}
