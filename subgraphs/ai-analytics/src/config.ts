// The ai-analytics subgraph's configuration, read and validated once at start-up. Nothing else
// in this subgraph reads process.env.
import { loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';
import { assistantSettingsShape, checkAssistantSettings } from './ai/assistant-config.js';

/** ai-analytics listens here unless PORT says otherwise. */
export const AI_ANALYTICS_DEFAULT_PORT = 4006;

/**
 * Everything the ai-analytics process reads: the common subgraph settings (MIN_GROUP_SIZE among
 * them, as every subgraph's figures withhold small groups) and the assistant's.
 */
export const aiAnalyticsConfigSchema = subgraphConfigSchema(AI_ANALYTICS_DEFAULT_PORT)
  .extend(assistantSettingsShape)
  .superRefine(checkAssistantSettings);
export type AiAnalyticsConfig = z.output<typeof aiAnalyticsConfigSchema>;

/** Reads the ai-analytics process's configuration; a ConfigError lists every problem. */
export function loadAiAnalyticsConfig(env: Record<string, string | undefined> = process.env): Readonly<AiAnalyticsConfig> {
  return loadConfig(aiAnalyticsConfigSchema, withoutEmptyValues(env));
}
