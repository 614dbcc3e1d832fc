import { DEFAULT_MIN_GROUP_SIZE, type AuthContext, type Logger, type RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { AiAnalyticsDatabase } from './db/database.js';
import type { EventTaskGenerator } from './generation/event-task-generator.js';
import type { TipGenerator } from './generation/tip-generator.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { AssistantRuntime } from './services/assistant.service.js';

/** ai-analytics' own settings, fixed at start-up. */
export interface AiAnalyticsSettings {
  /** The fewest distinct users a bucket or funnel step may count and still be shown. */
  minGroupSize: number;
}

/** What every resolver of this subgraph receives, built anew for each request. */
export interface AiAnalyticsContext extends AuthContext {
  db: Kysely<AiAnalyticsDatabase>;
  /**
   * The analyst figures' reads (read-only: activeUsers, eventCounts, funnel, a saved report's
   * run, aiUsage): the analytics read replica when one is set, else `db`.
   */
  figuresDb: Kysely<AiAnalyticsDatabase>;
  loaders: Loaders;
  logger: Logger;
  /** Writes coaching tips. */
  tipGenerator: TipGenerator;
  /** Proposes tasks for events. */
  eventTaskGenerator: EventTaskGenerator;
  /** The model and its settings (cost, quotas). */
  assistant: AssistantRuntime;
  settings: AiAnalyticsSettings;
}

/** The generators the subgraph writes with, chosen once when it is built. */
export interface Generators {
  tipGenerator: TipGenerator;
  eventTaskGenerator: EventTaskGenerator;
}

/** A request's context; `databases.figures` serves the analyst figures (see `Database.figures`). */
export function createContext(
  databases: { db: Kysely<AiAnalyticsDatabase>; figures: Kysely<AiAnalyticsDatabase> },
  caller: RequestCaller,
  logger: Logger,
  generators: Generators,
  assistant: AssistantRuntime,
  settings: AiAnalyticsSettings = { minGroupSize: DEFAULT_MIN_GROUP_SIZE },
): AiAnalyticsContext {
  const { db } = databases;
  return { db, figuresDb: databases.figures, viewer: caller.viewer, caller, loaders: createLoaders(db), logger, ...generators, assistant, settings };
}
