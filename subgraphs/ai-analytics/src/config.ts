// The ai-analytics subgraph's configuration, read and validated once at start-up. Nothing else
// in this subgraph reads process.env.
import { loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';
import { assistantSettingsShape, checkAssistantSettings } from './ai/assistant-config.js';

/** ai-analytics listens here unless PORT says otherwise. */
export const AI_ANALYTICS_DEFAULT_PORT = 4006;

/** Below this many distinct users a figure is withheld, unless MIN_GROUP_SIZE says otherwise. */
export const DEFAULT_MIN_GROUP_SIZE = 5;

/** Everything the ai-analytics process reads: the common subgraph settings, the assistant's and the figures'. */
export const aiAnalyticsConfigSchema = subgraphConfigSchema(AI_ANALYTICS_DEFAULT_PORT)
  .extend({
    ...assistantSettingsShape,
    /** The fewest distinct users a bucket or funnel step may count and still be shown (privacy). */
    MIN_GROUP_SIZE: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MIN_GROUP_SIZE),
  })
  .superRefine(checkAssistantSettings);
export type AiAnalyticsConfig = z.output<typeof aiAnalyticsConfigSchema>;

/** Reads the ai-analytics process's configuration; a ConfigError lists every problem. */
export function loadAiAnalyticsConfig(env: Record<string, string | undefined> = process.env): Readonly<AiAnalyticsConfig> {
  return loadConfig(aiAnalyticsConfigSchema, withoutEmptyValues(env));
}
